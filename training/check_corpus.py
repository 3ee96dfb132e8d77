"""Second-pass review of the training corpus (run by CI).

    python training/check_corpus.py [--markdown] [--limit N] [--no-pages] [--strict]

Checks every line of ``training/blocks/*.jsonl`` and ``training/publishers/*.jsonl``
(schema, label and form vocabulary, language codes, publisher references, unique
ids), finds exact and near duplicates, lists blocks whose label looks
suspicious for a human to read, prints counts by category x language, by form,
the hard-negative share of content and the publishers, and checks the built
pages in ``training/pages`` against their segmentation.

Errors (exit status 1): broken or invalid lines, unknown publishers, duplicate
ids, exact duplicate texts (except short UI strings repeated across publishers
with the same labels), the same text labeled two ways, pages whose labels do
not match their segmentation. Warnings: near duplicates beyond a small
tolerance, thin publishers, a hard-negative share under 40 %, stale pages
(``--strict`` makes warnings errors). Suspicious labels are printed for review;
they never fail the run.

``--markdown`` prints the count tables as Markdown for the data card
(training/README.md). From Python: ``check_corpus.check()`` returns a
``Report`` whose ``counts`` are plain dicts.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

LABELS = ("donation", "paywall", "newsletter", "adblock", "foreign_agent")
APPEAL_FORMS = ("banner", "inline_box", "end_pitch", "sticky_footer", "modal", "button", "link", "fine_print", "heading")
CONTENT_FORMS = ("paragraph", "heading", "caption", "byline", "list_item", "quote", "nav", "share", "related",
                 "furniture", "table_cell")
KINDS = ("national", "local", "magazine", "ngo", "blog", "newsletter_platform", "exile_media", "independent",
         "tabloid", "public_broadcaster", "trade", "regional")
BLOCK_KEYS = ("id", "text", "labels", "lang", "publisher", "form", "hard_negative")
PUBLISHER_KEYS = ("id", "name", "kind", "lang", "country", "domain")
ISO_639_1 = set("""aa ab af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is
it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na
nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())
MIN_HARD_NEGATIVE_SHARE = 0.40
MIN_BLOCKS_PER_PUBLISHER = 10
NEAR_JACCARD = 0.8
SHINGLE = 5
README_BEGIN, README_END = "<!-- BEGIN GENERATED COUNTS -->", "<!-- END GENERATED COUNTS -->"
UI_STRING_MAX_WORDS = 4  # "Subscribe", "Not now", "Follow us on Instagram": shared by many sites
NO_CUE_MIN_WORDS = 4  # shorter appeals without a cue ("Later", "Yes, please") are counted, not listed

# Strong appeal cues per category: a content block carrying one and not marked hard_negative is
# worth a look, and so is an appeal that carries another category's strong cue and none of its own.
STRONG = {
    "donation": [r"donate (now|today)", r"make a donation", r"support (our|independent) (journalism|reporting)",
                 r"become a (member|patron|supporter)", r"jetzt spenden", r"unterstützen sie (uns|unabhängigen)",
                 r"werden sie mitglied", r"faites un don", r"soutenez-nous", r"dona ahora", r"haz una donación",
                 r"apóyanos", r"hazte socio", r"поддержите нас", r"sostienici", r"fai una donazione",
                 r"apoie o nosso", r"faça um donativo", r"wesprzyj nas", r"zostań patronem", r"підтримайте нас"],
    "paywall": [r"subscribe to (continue|keep) reading", r"free articles? (left|remaining)", r"already a subscriber",
                r"jetzt abonnieren", r"weiterlesen mit", r"bereits abonnent", r"abonnez-vous", r"déjà abonné",
                r"suscríbete para (seguir|continuar)", r"ya eres suscriptor", r"оформите подписку", r"abbonati ora",
                r"sei già abbonato", r"já é assinante", r"assine já", r"wykup (dostęp|prenumeratę)",
                r"оформіть передплату"],
    "newsletter": [r"sign up for (our|the) [\w' -]*newsletter", r"newsletter abonnieren", r"inscrivez-vous à (notre|la) newsletter",
                   r"suscríbete a (nuestro|el) boletín", r"подпишитесь на (нашу )?рассылку", r"iscriviti alla newsletter",
                   r"subscreva a newsletter", r"zapisz się do newslettera", r"підпишіться на розсилку"],
    "adblock": [r"ad[ -]?blocker", r"whitelist (us|our)", r"werbeblocker", r"bloqueur de pub", r"bloqueador de anuncios",
                r"блокировщик рекламы", r"wyłącz blokad", r"блокувальник реклами"],
    "foreign_agent": [r"иностранн\w* агент\w*", r"іноземн\w* агент\w*"],
}
STRONG = {k: re.compile("|".join(v), re.I) for k, v in STRONG.items()}
STRONG_CUES = re.compile("|".join(p.pattern for p in STRONG.values()), re.I)
# Loose cues per category: an appeal that matches none of them is printed for a human to read.
CUES = {
    "donation": r"beitrag|finanz|unabhängig|independen|indépendan|independien|indipenden|niezależn|незалеж|независим|"
                r"zahl|geld|money|argent|dinero|soldi|dinheiro|pieniądz|гроші|деньг|help|helfen|aide|ayud|aiut|ajud|pomóż|"
                r"допомож|помоги|помож|verleger|genoss|spende|cotis|bizum|paypal|patreon|steady|ko-?fi|boosty|"
                r"donat|support|member|patron|contribut|chip in|coffee|\btip|give|giving|fund|friend|spend|unterstütz|"
                r"mitglied|förder|soutien|souten|\bdons?\b|adhér|apoy|apoia|apoie|socio|soci[ao]|colabor|\bdona|aport|поддерж|пожертв|"
                r"донат|sostien|donazion|wesprzyj|wspar|wpłat|підтрим|внес|кава|кофе|café|caffè|kaffee|kawa",
    "paywall": r"subscri|log ?in|sign ?in|register|registr|trial|test|gratis|free|offer|angebot|offre|oferta|offert|"
               r"freischalt|preis|price|prix|precio|prezzo|preço|cena|цена|ціна|kündig|cancel|résili|cancela|disdic|"
               r"digital|kunde|customer|client|cliente|klient|клиент|abonent|log ?in|sign ?in|account|premium|unlock|articles?|plan|trial|abo|anmeld|einlogg|konto|plus|"
               r"abonn|connect|suscri|sesión|cuenta|подпис|войти|вход|аккаунт|abbon|accedi|assin|entrar|prenumer|"
               r"zaloguj|dostęp|передплат|увійти|доступ|access|acceso|accès|zugang|€|\$|£|₽|zł|₴|month|monat|mois|"
               r"\bmes\b|месяц|mese|mês|miesiąc|місяц|continu|weiter|продолж|читать|leer|lire|lesen|read|ler\b|czytaj|читати|leggi",
    "newsletter": r"aktuell|abend|morgen|matin|soir|mañana|noche|mattina|sera|manhã|noite|rano|wieczór|утр|вечер|"
                  r"ранок|вечір|adresse|address|spam|abmeld|unsubscrib|désinscri|darte de baja|disiscri|wypisa|відпис|"
                  r"отпис|confirm|bestätig|potwierd|підтверд|подтверд|brief|letter|lettre|carta|lettera|list|digest|morning|evening|weekly|daily|anmeld|eintrag|"
                  r"instagram|mastodon|bluesky|threads|facebook|youtube|tiktok|whatsapp|signal|viber|x\.com|"
                  r"newsletter|e-?mail|inbox|sign ?up|briefing|telegram|whatsapp|notif|push|follow|podcast|\bapp\b|rss|"
                  r"mail|postfach|benachrichtig|lettre|courriel|boletín|boletin|correo|рассылк|почт|уведомл|iscriv|"
                  r"zapisz|powiadom|розсилк|сповіщ|підпис|subscri|abonn|suscri|подпис|канал|channel|inscri",
    "adblock": r"anzeigen|werbung|blockier|bloqu|blocc|blokow|блок|freischalt|ublock|brave|ghostery|tracking|"
               r"ad ?-?block|blocker|whitelist|allow ?list|\bads?\b|advert|werbe|\bpub|anuncio|реклам|pubblicit|anúncio|reklam",
    "foreign_agent": r"агент|agent|реестр|минюст|18\+|іноагент|реєстр",
}
CUES = {k: re.compile(v, re.I) for k, v in CUES.items()}


@dataclass
class Finding:
    level: str  # "error", "warning" or "review"
    kind: str
    message: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def add(self, level: str, kind: str, message: str) -> None:
        self.findings.append(Finding(level, kind, message))

    def of(self, level: str) -> list[Finding]:
        return [f for f in self.findings if f.level == level]

    @property
    def errors(self) -> list[Finding]:
        return self.of("error")

    @property
    def warnings(self) -> list[Finding]:
        return self.of("warning")


# ---------------------------------------------------------------------------
def _read_jsonl(path: Path, report: Report) -> list[tuple[str, dict]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path.parent.name}/{path.name}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.add("error", "json", f"{where}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                report.add("error", "json", f"{where}: not a JSON object")
                continue
            rows.append((where, obj))
    return rows


def normalise(text: str) -> str:
    """Case, whitespace and punctuation folded: the key for 'the same text'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return " ".join(text.split())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = normalise(text).split()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def check_publishers(root: Path, report: Report) -> dict[str, dict]:
    publishers: dict[str, dict] = {}
    domains: dict[str, str] = {}
    for path in sorted((root / "publishers").glob("*.jsonl")):
        for where, p in _read_jsonl(path, report):
            missing = [k for k in PUBLISHER_KEYS if k not in p]
            if missing:
                report.add("error", "schema", f"{where}: publisher lacks {', '.join(missing)}")
                continue
            extra = sorted(set(p) - set(PUBLISHER_KEYS))
            if extra:
                report.add("warning", "schema", f"{where}: unexpected keys {extra}")
            pid = p["id"]
            if not isinstance(pid, str) or not pid.startswith(path.stem + "-"):
                report.add("error", "schema", f"{where}: publisher id {pid!r} must start with '{path.stem}-'")
            if pid in publishers:
                report.add("error", "duplicate_id", f"{where}: publisher id {pid!r} defined twice")
            if p["kind"] not in KINDS:
                report.add("error", "vocab", f"{where}: kind {p['kind']!r} not one of {', '.join(KINDS)}")
            if not (isinstance(p["lang"], str) and p["lang"] in ISO_639_1):
                report.add("error", "lang", f"{where}: lang {p['lang']!r} is not an ISO 639-1 code")
            if not (isinstance(p["country"], str) and re.fullmatch(r"[A-Z]{2}", p["country"])):
                report.add("error", "schema", f"{where}: country {p['country']!r} is not an ISO 3166 alpha-2 code")
            if not (isinstance(p["domain"], str) and re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", p["domain"])):
                report.add("error", "schema", f"{where}: domain {p['domain']!r} does not look like a domain")
            elif p["domain"] in domains:
                report.add("warning", "duplicate", f"{where}: domain {p['domain']} also used by {domains[p['domain']]}")
            else:
                domains[p["domain"]] = pid
            publishers[pid] = p
    return publishers


def check_blocks(root: Path, publishers: dict, report: Report) -> list[dict]:
    blocks: list[dict] = []
    ids: dict[str, str] = {}
    untidy: list[str] = []
    for path in sorted((root / "blocks").glob("*.jsonl")):
        for where, b in _read_jsonl(path, report):
            missing = [k for k in BLOCK_KEYS if k not in b]
            if missing:
                report.add("error", "schema", f"{where}: block lacks {', '.join(missing)}")
                continue
            extra = sorted(set(b) - set(BLOCK_KEYS))
            if extra:
                report.add("warning", "schema", f"{where}: unexpected keys {extra}")
            bid, text, labels = b["id"], b["text"], b["labels"]
            ok = True
            if not isinstance(bid, str) or not re.fullmatch(re.escape(path.stem) + r"-\d{5}", bid):
                report.add("error", "schema", f"{where}: id {bid!r} is not '{path.stem}-<5 digits>'")
                ok = isinstance(bid, str)
            elif bid in ids:
                report.add("error", "duplicate_id", f"{where}: id {bid} already used at {ids[bid]}")
            if isinstance(bid, str):
                ids.setdefault(bid, where)
            if not isinstance(text, str) or not text.strip():
                report.add("error", "schema", f"{where}: text is empty or not a string")
                ok = False
            elif text != " ".join(text.split()):
                untidy.append(bid if isinstance(bid, str) else where)
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                report.add("error", "schema", f"{where}: labels must be a list of strings")
                ok = False
            else:
                bad = [x for x in labels if x not in LABELS]
                if bad:
                    report.add("error", "vocab", f"{where}: unknown label(s) {bad}")
                    ok = False
                if len(set(labels)) != len(labels):
                    report.add("error", "schema", f"{where}: repeated label in {labels}")
            lang = b["lang"]
            if not (isinstance(lang, str) and lang in ISO_639_1):
                report.add("error", "lang", f"{where}: lang {lang!r} is not an ISO 639-1 code")
            pub = publishers.get(b["publisher"])
            if pub is None:
                report.add("error", "publisher", f"{where}: publisher {b['publisher']!r} is not in training/publishers")
            elif pub["lang"] != lang:
                report.add("error", "lang", f"{where}: lang {lang!r} but publisher {pub['id']} is {pub['lang']!r}")
            form, hard = b["form"], b["hard_negative"]
            if not isinstance(hard, bool):
                report.add("error", "schema", f"{where}: hard_negative must be true or false")
            if ok:
                if labels and form not in APPEAL_FORMS:
                    report.add("error", "vocab", f"{where}: appeal with form {form!r} (appeal forms: {', '.join(APPEAL_FORMS)})")
                if not labels and form not in CONTENT_FORMS:
                    report.add("error", "vocab", f"{where}: content with form {form!r} (content forms: {', '.join(CONTENT_FORMS)})")
                if labels and hard is True:
                    report.add("error", "schema", f"{where}: hard_negative is only for content blocks")
                if ok:
                    blocks.append(dict(b, _where=where))
    if untidy:
        report.add("warning", "whitespace", f"{len(untidy)} texts have line breaks, leading/trailing or repeated "
                   f"whitespace (the segmenter folds it; write the text as a page shows it): {', '.join(untidy[:12])}"
                   + (" ..." if len(untidy) > 12 else ""))
    return blocks


def check_duplicates(blocks: list[dict], report: Report, limit: int) -> dict:
    exact = defaultdict(list)
    for b in blocks:
        exact[" ".join(b["text"].split())].append(b)
    n_exact = n_ui = n_conflict = n_ui_conflict = n_marker = 0
    for text, group in exact.items():
        if len(group) < 2:
            continue
        label_sets = {tuple(sorted(b["labels"])) for b in group}
        ids = ", ".join(f"{b['id']} {b['labels']}" for b in group)
        short = len(text.split()) <= UI_STRING_MAX_WORDS and len(text) <= 40
        distinct_pubs = len({b["publisher"] for b in group}) == len(group)
        if len(label_sets) > 1:
            if short and distinct_pubs:
                # "Not now" closes a newsletter box on one site and an ad-blocker notice on another
                n_ui_conflict += 1
                report.add("review", "context_dependent", f"short text, labels differ by site ({ids}): {text!r}")
            else:
                n_conflict += 1
                report.add("error", "conflict", f"same text, different labels ({ids}): {text[:90]!r}")
        elif short and distinct_pubs:
            n_ui += 1  # "Subscribe", "Log in": the same button on many sites
        elif label_sets == {("foreign_agent",)} and distinct_pubs:
            n_marker += 1  # the legal marker's wording is fixed by law: outlets print the same text
        else:
            n_exact += 1
            report.add("error", "duplicate", f"exact duplicate ({ids}): {text[:90]!r}")
    # near duplicates within a language
    near_pairs: list[tuple[float, dict, dict]] = []
    by_lang = defaultdict(list)
    for b in blocks:
        by_lang[b["lang"]].append(b)
    for lang, group in by_lang.items():
        norm = defaultdict(list)
        for b in group:
            norm[normalise(b["text"])].append(b)
        for key, same in norm.items():
            texts = {" ".join(b["text"].split()) for b in same}
            if len(texts) > 1 and len(key.split()) > UI_STRING_MAX_WORDS:
                near_pairs.append((1.0, same[0], same[1]))
        shingles = [(b, _shingles(b["text"])) for b in group]
        index = defaultdict(list)
        for i, (_, sh) in enumerate(shingles):
            for s in sh:
                index[s].append(i)
        seen = set()
        for i, (b, sh) in enumerate(shingles):
            if not sh:
                continue
            cands = Counter(j for s in sh for j in index[s] if j > i)
            for j, shared in cands.items():
                other_sh = shingles[j][1]
                jac = shared / len(sh | other_sh)
                if jac >= NEAR_JACCARD and (i, j) not in seen:
                    seen.add((i, j))
                    o = shingles[j][0]
                    if normalise(b["text"]) != normalise(o["text"]):
                        near_pairs.append((jac, b, o))
    near_pairs.sort(key=lambda x: -x[0])
    # foreign-agent markers repeat a legal formula with a name slot: expected, counted apart
    markers = [p for p in near_pairs if "foreign_agent" in p[1]["labels"] and "foreign_agent" in p[2]["labels"]]
    near_pairs = [p for p in near_pairs if p not in markers]
    tolerance = max(5, len(blocks) // 200)
    for jac, a, b in near_pairs[:limit]:
        report.add("review", "near_duplicate", f"{a['id']} ~ {b['id']} (J={jac:.2f}): {a['text'][:60]!r} / {b['text'][:60]!r}")
    if len(near_pairs) > tolerance:
        report.add("warning", "near_duplicate", f"{len(near_pairs)} near-duplicate pairs (tolerance {tolerance})")
    return {"exact_duplicates": n_exact, "conflicting_labels": n_conflict, "repeated_ui_strings": n_ui,
            "context_dependent_ui_strings": n_ui_conflict, "near_duplicate_pairs": len(near_pairs),
            "foreign_agent_marker_variants": len(markers) + n_marker}


def check_suspicious(blocks: list[dict], report: Report, limit: int) -> dict:
    strong, nocue, other = [], [], []
    short_nocue = 0
    for b in blocks:
        text = b["text"]
        if not b["labels"]:
            if not b["hard_negative"] and STRONG_CUES.search(text):
                strong.append(b)
            continue
        if any(CUES[lab].search(text) or STRONG[lab].search(text) for lab in b["labels"]):
            continue
        others = [lab for lab in LABELS if lab not in b["labels"] and STRONG[lab].search(text)]
        if others:
            other.append((b, others))
        elif len(text.split()) >= NO_CUE_MIN_WORDS:
            nocue.append((b, []))
        else:
            short_nocue += 1
    for b in strong[:limit]:
        report.add("review", "content_with_cue", f"{b['id']} content, not hard_negative, has an appeal cue: {b['text'][:100]!r}")
    for b, others in other[:limit]:
        report.add("review", "cue_of_other_label", f"{b['id']} {b['labels']} reads like {others}: {b['text'][:100]!r}")
    for b, _ in nocue[:limit]:
        report.add("review", "appeal_without_cue", f"{b['id']} {b['labels']} {b['form']}: {b['text'][:100]!r}")
    return {"content_with_cue": len(strong), "cue_of_other_label": len(other), "appeal_without_cue": len(nocue),
            "short_appeal_without_cue": short_nocue}


def corpus_counts(blocks: list[dict], publishers: dict, report: Report | None = None) -> dict:
    langs = sorted({b["lang"] for b in blocks})
    cat = {lab: Counter() for lab in LABELS}
    content, hard, total, multi = Counter(), Counter(), Counter(), Counter()
    forms = defaultdict(Counter)
    per_pub = Counter(b["publisher"] for b in blocks)
    pub_appeals = Counter(b["publisher"] for b in blocks if b["labels"])
    for b in blocks:
        lang = b["lang"]
        total[lang] += 1
        form = b["form"] if b["form"] != "heading" else ("heading (appeal)" if b["labels"] else "heading (content)")
        forms[form][lang] += 1
        if b["labels"]:
            for lab in b["labels"]:
                cat[lab][lang] += 1
            if len(b["labels"]) > 1:
                multi[lang] += 1
        else:
            content[lang] += 1
            hard[lang] += bool(b["hard_negative"])
    pubs_by_lang = Counter(p["lang"] for p in publishers.values())
    kinds = defaultdict(Counter)
    for p in publishers.values():
        kinds[p["kind"]][p["lang"]] += 1
    counts = {
        "blocks": len(blocks), "langs": langs, "total": dict(total),
        "by_label": {lab: dict(c) for lab, c in cat.items()}, "multi_label": dict(multi),
        "content": dict(content), "hard_negative": dict(hard),
        "by_form": {f: dict(c) for f, c in forms.items()},
        "publishers": len(publishers), "publishers_by_lang": dict(pubs_by_lang),
        "publisher_kinds": {k: dict(c) for k, c in kinds.items()},
        "blocks_per_publisher": {"min": min(per_pub.values(), default=0),
                                 "median": statistics.median(per_pub.values()) if per_pub else 0,
                                 "max": max(per_pub.values(), default=0)},
    }
    if report is not None:
        for lang in langs:
            share = hard[lang] / content[lang] if content[lang] else 0.0
            if share < MIN_HARD_NEGATIVE_SHARE:
                report.add("warning", "hard_negative", f"{lang}: hard negatives are {share:.0%} of content (want >= 40%)")
        one_sided = defaultdict(list)
        for pid in sorted(publishers):
            n = per_pub[pid]
            if n < MIN_BLOCKS_PER_PUBLISHER:
                report.add("warning", "publisher", f"{pid}: only {n} blocks (want >= {MIN_BLOCKS_PER_PUBLISHER})")
            elif not pub_appeals[pid] or pub_appeals[pid] == n:
                one_sided["content" if not pub_appeals[pid] else "appeals"].append(pid)
        for side, pids in one_sided.items():  # fine for a hard-negative slice; worth a look elsewhere
            report.add("review", "one_sided_publisher", f"{len(pids)} publishers have only {side} blocks "
                       f"(their pages are negative pages): {', '.join(pids[:10])}{' ...' if len(pids) > 10 else ''}")
    return counts


def check_pages(pages_dir: Path, blocks: list[dict], publishers: dict, report: Report) -> dict:
    """Every page's sidecar must match what the segmenter makes of the page."""
    sidecars = sorted(pages_dir.glob("*.labels.json")) if pages_dir.is_dir() else []
    if not sidecars:
        report.add("warning", "pages", f"no pages in {pages_dir} (run training/build_pages.py)")
        return {"pages": 0}
    for path in (str(HERE.parent), str(HERE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from detector.segment import segment_html  # noqa: PLC0415 (the corpus check itself needs no detector)

    by_id = {b["id"]: b for b in blocks}
    appeal_keys = defaultdict(set)
    for b in blocks:
        if b["labels"]:
            appeal_keys[b["lang"]].add(b["text"].casefold())
    try:  # the few appeal strings the builder writes itself (e-mail field labels, "notify me of new posts")
        import build_pages  # noqa: PLC0415

        for lang, chrome in build_pages.CHROME.items():
            appeal_keys[lang].update(s.casefold() for s in chrome["form_label"] + [chrome["wp_follow"]])
    except ImportError:
        pass
    per_lang, per_tpl, covered = Counter(), Counter(), set()
    negatives = appeals_total = blocks_total = bad_pages = stale = 0
    for side_path in sidecars:
        name = side_path.name[: -len(".labels.json")]
        html_path = side_path.with_name(name + ".html")
        try:
            side = json.loads(side_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            report.add("error", "pages", f"{side_path.name}: not valid JSON")
            bad_pages += 1
            continue
        if not html_path.exists():
            report.add("error", "pages", f"{side_path.name}: no {html_path.name}")
            bad_pages += 1
            continue
        pub = publishers.get(side.get("publisher"))
        if pub is None:
            report.add("warning", "pages", f"{name}: publisher {side.get('publisher')!r} no longer exists (rebuild pages)")
            stale += 1
        elif pub["lang"] != side.get("lang"):
            report.add("error", "pages", f"{name}: lang {side.get('lang')!r}, publisher is {pub['lang']!r}")
        appeals = side.get("appeals", [])
        want = Counter(a["text"] for a in appeals)
        labels_of = {a["text"]: a["labels"] for a in appeals}
        segs = segment_html(html_path.read_bytes())
        got = Counter(b.text for b in segs)
        problems = []
        for text, n in want.items():
            if got[text] < n:
                problems.append(f"labeled text not a block: {text[:70]!r}")
            elif got[text] > n:
                problems.append(f"labeled text also appears unlabeled: {text[:70]!r}")
        lang = side.get("lang")
        for b in segs:
            if b.text not in want and b.text.casefold() in appeal_keys[lang]:
                problems.append(f"unlabeled block is an appeal text of the corpus: {b.text[:70]!r}")
        for a in appeals:
            if any(lab not in LABELS for lab in a.get("labels", [])) or not a.get("labels"):
                problems.append(f"bad labels {a.get('labels')} for {a['text'][:50]!r}")
            src = a.get("source")
            if isinstance(src, str):
                b = by_id.get(src)
                if b is None or " ".join(b["text"].split()) != a["text"] or sorted(b["labels"]) != sorted(labels_of[a["text"]]):
                    stale += 1
        if problems:
            bad_pages += 1
            for p in problems[:3]:
                report.add("error", "pages", f"{name}: {p}")
        covered.add(side.get("publisher"))
        per_lang[lang] += 1
        per_tpl[(side.get("template"), lang)] += 1
        negatives += bool(side.get("negative")) or not appeals
        appeals_total += len(appeals)
        blocks_total += len(segs)
    missing = sorted(set(publishers) - covered)
    if missing:
        report.add("warning", "pages", f"{len(missing)} publishers have no page (rebuild pages): {', '.join(missing[:8])}")
    if stale:
        report.add("warning", "pages", f"{stale} page labels no longer match their corpus line (rebuild pages)")
    return {"pages": len(sidecars), "negative_pages": negatives, "publishers_covered": len(covered & set(publishers)),
            "pages_by_lang": dict(per_lang), "pages_by_template": {f"{t}|{l}": n for (t, l), n in per_tpl.items()},
            "pages_not_matching": bad_pages, "appeal_blocks_on_pages": appeals_total, "blocks_on_pages": blocks_total,
            "stale_labels": stale}


def check(root: Path = HERE, pages: bool = True, limit: int = 40) -> Report:
    """Run every check; ``report.counts`` holds the numbers, ``report.errors`` what fails CI."""
    report = Report()
    publishers = check_publishers(root, report)
    blocks = check_blocks(root, publishers, report)
    counts = corpus_counts(blocks, publishers, report)
    counts["duplicates"] = check_duplicates(blocks, report, limit)
    counts["suspicious"] = check_suspicious(blocks, report, limit)
    if pages:
        counts["pages"] = check_pages(root / "pages", blocks, publishers, report)
    report.counts = counts
    return report


def counts(root: Path = HERE, pages: bool = True) -> dict:
    """The corpus (and page) counts as plain dicts, e.g. for a test's floors."""
    return check(root, pages=pages).counts


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def tables(counts: dict) -> list[tuple[str, list[str], list[list]]]:
    langs = counts["langs"]
    out = []
    rows = []
    for lab in LABELS:
        c = counts["by_label"][lab]
        rows.append([lab] + [c.get(l, 0) for l in langs] + [sum(c.values())])
    c = counts["content"]
    rows.append(["content"] + [c.get(l, 0) for l in langs] + [sum(c.values())])
    h = counts["hard_negative"]
    rows.append(["  of which hard negative"] + [h.get(l, 0) for l in langs] + [sum(h.values())])
    rows.append(["  hard-negative share"] + [f"{h.get(l, 0) / c[l]:.0%}" if c.get(l) else "-" for l in langs]
                + [f"{sum(h.values()) / max(1, sum(c.values())):.0%}"])
    m = counts["multi_label"]
    rows.append(["multi-label blocks"] + [m.get(l, 0) for l in langs] + [sum(m.values())])
    t = counts["total"]
    rows.append(["blocks"] + [t.get(l, 0) for l in langs] + [sum(t.values())])
    out.append(("Blocks by category and language (a multi-label block counts once per label)", ["category"] + langs + ["total"], rows))
    rows = []
    names = [f if f != "heading" else "heading (appeal)" for f in APPEAL_FORMS] + \
            [f if f != "heading" else "heading (content)" for f in CONTENT_FORMS]
    for form in names:
        c = counts["by_form"].get(form, {})
        rows.append([form] + [c.get(l, 0) for l in langs] + [sum(c.values())])
    out.append(("Blocks by form and language (appeal forms first, then content forms)", ["form"] + langs + ["total"], rows))
    pl = counts["publishers_by_lang"]
    kinds = sorted(counts["publisher_kinds"])
    rows = [[k] + [counts["publisher_kinds"][k].get(l, 0) for l in langs] + [sum(counts["publisher_kinds"][k].values())] for k in kinds]
    rows.append(["publishers"] + [pl.get(l, 0) for l in langs] + [sum(pl.values())])
    out.append(("Publishers by kind and language", ["kind"] + langs + ["total"], rows))
    d, s = counts["duplicates"], counts["suspicious"]
    bp = counts["blocks_per_publisher"]
    rows = [["exact duplicates", d["exact_duplicates"]], ["same text, different labels", d["conflicting_labels"]],
            ["short UI strings shared by publishers (same labels)", d["repeated_ui_strings"]],
            ["short UI strings whose label depends on the site", d["context_dependent_ui_strings"]],
            ["near-duplicate pairs", d["near_duplicate_pairs"]],
            ["foreign-agent marker variants (legal formula)", d["foreign_agent_marker_variants"]],
            ["content with an appeal cue, not hard_negative", s["content_with_cue"]],
            ["appeals with another label's strong cue and none of their own", s["cue_of_other_label"]],
            [f"appeals of >= {NO_CUE_MIN_WORDS} words without any cue", s["appeal_without_cue"]],
            ["shorter appeals without any cue", s["short_appeal_without_cue"]],
            ["blocks per publisher (min / median / max)", f"{bp['min']} / {bp['median']:g} / {bp['max']}"]]
    out.append(("Quality checks", ["check", "count"], rows))
    p = counts.get("pages")
    if p and p.get("pages"):
        plangs = sorted(p["pages_by_lang"])
        tpls = sorted({k.split("|")[0] for k in p["pages_by_template"]})
        rows = [[t] + [p["pages_by_template"].get(f"{t}|{l}", 0) for l in plangs]
                + [sum(v for k, v in p["pages_by_template"].items() if k.split("|")[0] == t)] for t in tpls]
        rows.append(["pages"] + [p["pages_by_lang"][l] for l in plangs] + [p["pages"]])
        out.append(("Pages by template and language", ["template"] + plangs + ["total"], rows))
        rows = [["pages", p["pages"]], ["negative pages (no appeal)", p["negative_pages"]],
                ["publishers covered", f"{p['publishers_covered']} / {counts['publishers']}"],
                ["blocks on pages", p["blocks_on_pages"]], ["appeal blocks on pages", p["appeal_blocks_on_pages"]],
                ["pages whose labels do not match the segmentation", p["pages_not_matching"]]]
        out.append(("Pages", ["", "count"], rows))
    return out


def format_table(title: str, header: list[str], rows: list[list], markdown: bool) -> str:
    cells = [[str(x) for x in r] for r in [header] + rows]
    if markdown:
        lines = [f"**{title}**", "", "| " + " | ".join(cells[0]) + " |",
                 "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([title, fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Review the labeled corpus: schema, duplicates, suspicious labels, counts, pages.",
                                 epilog="example: python training/check_corpus.py --markdown")
    ap.add_argument("--markdown", action="store_true", help="print only the count tables, as Markdown")
    ap.add_argument("--limit", type=int, default=40, help="list at most N items per review list (default 40)")
    ap.add_argument("--no-pages", action="store_true", help="skip the page checks")
    ap.add_argument("--strict", action="store_true", help="warnings fail the run too")
    ap.add_argument("--root", type=Path, default=HERE, help="folder with blocks/, publishers/, pages/")
    ap.add_argument("--write-readme", action="store_true",
                    help="replace the generated counts section of training/README.md with the Markdown tables")
    args = ap.parse_args(argv)
    report = check(args.root, pages=not args.no_pages, limit=args.limit)
    if args.write_readme:
        readme = args.root / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = text.find(README_BEGIN), text.find(README_END)
        if start < 0 or end < start:
            print(f"error: {readme} has no {README_BEGIN} ... {README_END} section", file=sys.stderr)
            return 2
        md = "\n".join(format_table(t, h, r, True) for t, h, r in tables(report.counts))
        readme.write_text(text[: start + len(README_BEGIN)] + "\n" + md + text[end:], encoding="utf-8")
        print(f"updated the counts in {readme}")
    elif args.markdown:
        print("\n".join(format_table(t, h, r, True) for t, h, r in tables(report.counts)))
    else:
        for level in ("review", "warning", "error"):
            items = report.of(level)
            if not items:
                continue
            print(f"== {level}s ({len(items)}) ==")
            kinds = Counter(f.kind for f in items)
            for kind in kinds:
                print(f"-- {kind}")
                for f in items:
                    if f.kind == kind:
                        print("  " + f.message)
            print()
        print("\n".join(format_table(t, h, r, False) for t, h, r in tables(report.counts)))
        print(f"{len(report.errors)} errors, {len(report.warnings)} warnings, {len(report.of('review'))} items to review")
    failing = report.errors + (report.warnings if args.strict else [])
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
