"""Build labeled HTML pages from the block corpus.

    python training/build_pages.py [--seed N] [--out DIR]

Reads ``training/blocks/*.jsonl`` and ``training/publishers/*.jsonl`` and writes
``training/pages/<publisher-id>--<slug>.html``, each with a sidecar
``<same>.labels.json`` that lists every appeal block of the page (a block not
listed is content), plus ``training/pages/index.jsonl`` (one line per page).

Every page is made of the corpus's own blocks (the publisher's first, then
same-language blocks when it runs short) placed in one of twelve site
skeletons, with one of five class-naming styles per publisher. The builder
keeps its own record of which text went where; after rendering, the page is
cut into blocks with ``detector.segment.segment_html`` and the two block lists
must be identical, text for text, before the page is written. A page that
does not match is never written (the builder retries with another layout,
then gives up on that page and says so).

The output is deterministic for a given corpus and seed.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from detector.segment import BLOCK_TAGS, SKIP_TAGS, normalize_space, segment_html  # noqa: E402

SEED = 20261125
MIN_PAGES = 420
MAX_PAGES = 1000  # about 11 MB of pages
NEGATIVE_SHARE = 0.10
GATED_BODY_SHARE = 0.25
GATED_BODY_CLASSES = [
    "paywall", "paywall-content", "meteredContent", "premium-content", "subscriber-only", "piano-content",
    "article-body--locked", "regwall-target", "is-premium", "plus-content", "membership-content",
    "newsletter-content", "abo-content", "bezahlinhalt", "contenu-abonne", "contenido-premium",
    "conteudo-assinante", "contenuto-premium", "platny-artykul", "platnyj-kontent", "js-paywall-body",
    "tp-container-inner", "subscription-wrapper", "article-content paywalled",
]
APPEAL_FORMS = {"banner", "inline_box", "end_pitch", "sticky_footer", "modal", "button", "link", "fine_print", "heading"}
BODY_FORMS = ("banner", "inline_box", "end_pitch", "sticky_footer", "modal")
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

# ---------------------------------------------------------------------------
# Site chrome written for these pages (content unless stated). Corpus blocks of
# the forms nav / furniture / share / related come first; these fill the gaps.
# ---------------------------------------------------------------------------
CHROME = {
    "en": {
        "sections": ["News", "Politics", "Business", "World", "Opinion", "Sport", "Culture", "Science",
                     "Health", "Climate", "Tech", "Travel", "Food", "Local", "Education", "Books",
                     "Obituaries", "Weather", "Podcasts", "Video", "Crime & Courts", "Real Estate"],
        "utility": ["Menu", "Search", "My account", "Contact", "Weather"],
        "footer": ["About us", "Contact", "Careers", "Advertise with us", "Privacy policy", "Terms of use",
                   "Corrections", "Ethics policy", "Accessibility", "Sitemap", "Staff directory",
                   "Submit a tip", "Letters to the editor", "Archive", "Cookie settings"],
        "cookie": ["We use cookies and similar technologies to measure traffic and improve your experience. You can change your choices at any time in Cookie settings.",
                   "This site uses cookies. Some are essential, others help us understand how the site is used.",
                   "We and our partners store and access information on your device to personalise content and measure audiences."],
        "cookie_btn": ["Accept all", "Reject all", "Manage preferences", "OK", "Only necessary cookies"],
        "share": ["Share", "Facebook", "X", "WhatsApp", "Email", "Copy link", "Print", "LinkedIn"],
        "breaking": "Breaking", "live": "Live", "key_events": "Key events", "pinned": "Pinned post",
        "comments": "Comments ({n})", "minutes": "{n} min read",
        "skip": "Skip to content", "photo": "Photo: {name}", "by": "By {name}", "copyright": "© {year} {name}. All rights reserved.",
        "tags": "Tags", "related": "Related",
        "comment_form": ["Leave a Reply", "Name *", "Email *", "Website", "Comment", "Post Comment",
                         "Save my name, email, and website in this browser for the next time I comment.",
                         "Notify me of follow-up comments by email."],
        "wp_follow": "Notify me of new posts by email.",
        "posted": ["Posted in", "Filed under"],
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "date": "{month} {day}, {year}",
        "first": ["Maya", "Daniel", "Priya", "Owen", "Grace", "Tomás", "Hannah", "Marcus", "Leah", "Caleb", "Nadia", "Simon"],
        "last": ["Whitcombe", "Ferraro", "Okonkwo", "Lindqvist", "Brannigan", "Halvorsen", "Delacroix", "Mbeki", "Tennant", "Ashby"],
        "form_label": ["Email address", "Your email", "Enter your email address"],
        "amounts": ["$5", "$10", "$25", "$50", "Other amount", "Monthly", "One-time"],
        "weather": "{t}°C, partly cloudy",
        "mirror": "Having trouble opening the site? Use our mirror or the app.",
    },
    "de": {
        "sections": ["Politik", "Wirtschaft", "Panorama", "Sport", "Kultur", "Wissen", "Meinung", "Region",
                     "Ausland", "Gesundheit", "Digital", "Reise", "Auto", "Lokales", "Bildung", "Wetter",
                     "Leben", "Karriere", "Immobilien", "Podcasts"],
        "utility": ["Menü", "Suche", "Mein Konto", "Kontakt", "Wetter"],
        "footer": ["Impressum", "Datenschutz", "AGB", "Kontakt", "Über uns", "Karriere", "Mediadaten",
                   "Barrierefreiheit", "Hilfe & FAQ", "Presse", "Archiv", "Privatsphäre-Einstellungen",
                   "Leserbriefe", "Redaktionelle Leitlinien"],
        "cookie": ["Wir verwenden Cookies und ähnliche Technologien, um die Nutzung unseres Angebots zu analysieren. Ihre Auswahl können Sie jederzeit unter „Privatsphäre“ ändern.",
                   "Diese Website nutzt Cookies. Einige sind technisch notwendig, andere helfen uns, das Angebot zu verbessern.",
                   "Mit Klick auf „Akzeptieren“ willigen Sie in die Verarbeitung Ihrer Daten durch uns und unsere Partner ein."],
        "cookie_btn": ["Akzeptieren", "Alle ablehnen", "Einstellungen", "Nur notwendige Cookies", "Zustimmen"],
        "share": ["Teilen", "Facebook", "X", "WhatsApp", "E-Mail", "Link kopieren", "Drucken", "Threema"],
        "breaking": "Eilmeldung", "live": "Live", "key_events": "Das Wichtigste", "pinned": "Angeheftet",
        "comments": "{n} Kommentare", "minutes": "{n} Min. Lesezeit",
        "skip": "Zum Inhalt springen", "photo": "Foto: {name}", "by": "Von {name}", "copyright": "© {name} {year}. Alle Rechte vorbehalten.",
        "tags": "Schlagworte", "related": "Mehr zum Thema",
        "comment_form": ["Kommentar verfassen", "Name *", "E-Mail *", "Website", "Kommentar", "Kommentar abschicken",
                         "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser speichern, bis ich wieder kommentiere.",
                         "Benachrichtige mich über nachfolgende Kommentare via E-Mail."],
        "wp_follow": "Benachrichtige mich über neue Beiträge via E-Mail.",
        "posted": ["Veröffentlicht in", "Abgelegt unter"],
        "months": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                   "Oktober", "November", "Dezember"],
        "date": "{day}. {month} {year}",
        "first": ["Jana", "Lukas", "Miriam", "Tobias", "Anke", "Florian", "Selin", "Henrik", "Katrin", "Jonas", "Birte", "Malte"],
        "last": ["Brenninger", "Ostermann", "Kowalczyk", "Haberland", "Zeisig", "Reuther", "Lindemeyer", "Aksoy", "Wendland", "Pfister"],
        "form_label": ["E-Mail-Adresse", "Ihre E-Mail-Adresse", "Ihre E-Mail"],
        "amounts": ["5 €", "10 €", "25 €", "50 €", "Anderer Betrag", "Monatlich", "Einmalig"],
        "weather": "{t} °C, wolkig",
        "mirror": "Die Seite lädt nicht? Nutzen Sie unsere Spiegelseite oder die App.",
    },
    "fr": {
        "sections": ["Politique", "International", "Économie", "Société", "Sport", "Culture", "Idées", "Planète",
                     "Sciences", "Santé", "Régions", "Faits divers", "Éducation", "Médias", "Météo", "Vidéos",
                     "Podcasts", "Immobilier", "Emploi", "Voyage"],
        "utility": ["Menu", "Rechercher", "Mon compte", "Contact", "Météo"],
        "footer": ["Mentions légales", "Politique de confidentialité", "CGU", "Nous contacter", "Qui sommes-nous ?",
                   "Recrutement", "Publicité", "Accessibilité", "Plan du site", "Charte déontologique",
                   "Gestion des cookies", "Archives", "Courrier des lecteurs", "FAQ"],
        "cookie": ["Nous utilisons des traceurs pour mesurer l'audience et améliorer votre expérience. Vous pouvez modifier vos choix à tout moment.",
                   "Ce site utilise des cookies. Certains sont indispensables à son fonctionnement, d'autres nous aident à comprendre son usage.",
                   "Avec nos partenaires, nous stockons et accédons à des informations sur votre terminal pour mesurer l'audience."],
        "cookie_btn": ["Tout accepter", "Tout refuser", "Paramétrer", "Continuer sans accepter", "J'accepte"],
        "share": ["Partager", "Facebook", "X", "WhatsApp", "E-mail", "Copier le lien", "Imprimer", "LinkedIn"],
        "breaking": "Alerte info", "live": "En direct", "key_events": "L'essentiel", "pinned": "Épinglé",
        "comments": "{n} commentaires", "minutes": "Lecture {n} min",
        "skip": "Aller au contenu", "photo": "Photo : {name}", "by": "Par {name}", "copyright": "© {name} {year} - Tous droits réservés",
        "tags": "Mots-clés", "related": "Sur le même sujet",
        "comment_form": ["Laisser un commentaire", "Nom *", "E-mail *", "Site web", "Commentaire", "Laisser un commentaire",
                         "Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain commentaire.",
                         "Prévenez-moi de tous les nouveaux commentaires par e-mail."],
        "wp_follow": "Prévenez-moi de tous les nouveaux articles par e-mail.",
        "posted": ["Publié dans", "Classé dans"],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "date": "{day} {month} {year}",
        "first": ["Camille", "Théo", "Sophie", "Yanis", "Margaux", "Bastien", "Inès", "Mathieu", "Léa", "Karim", "Élodie", "Gaspard"],
        "last": ["Lemarchand", "Rousselot", "Benhamou", "Cordier", "Vasseur", "Ménétrier", "Peyrat", "Guillou", "Aubertin", "Duval-Roux"],
        "form_label": ["Adresse e-mail", "Votre adresse e-mail", "Votre e-mail"],
        "amounts": ["5 €", "10 €", "20 €", "50 €", "Autre montant", "Mensuel", "Ponctuel"],
        "weather": "{t} °C, nuageux",
        "mirror": "Le site ne s'affiche pas ? Utilisez notre site miroir ou l'application.",
    },
    "es": {
        "sections": ["Portada", "España", "Internacional", "Economía", "Política", "Opinión", "Deportes", "Cultura",
                     "Sociedad", "Ciencia", "Salud", "Tecnología", "Local", "Sucesos", "Educación", "El tiempo",
                     "Vídeos", "Podcasts", "Gastronomía", "Motor"],
        "utility": ["Menú", "Buscar", "Mi cuenta", "Contacto", "Hemeroteca", "El tiempo"],
        "footer": ["Aviso legal", "Política de privacidad", "Política de cookies", "Contacto", "Quiénes somos",
                   "Trabaja con nosotros", "Publicidad", "Accesibilidad", "Mapa web", "Código ético",
                   "Configurar cookies", "Hemeroteca", "Cartas al director", "Preguntas frecuentes"],
        "cookie": ["Utilizamos cookies propias y de terceros para analizar el uso del sitio y mejorar tu experiencia. Puedes cambiar tu elección en cualquier momento.",
                   "Este sitio usa cookies. Algunas son necesarias para que funcione y otras nos ayudan a entender cómo se usa.",
                   "Nosotros y nuestros socios almacenamos información en tu dispositivo para medir la audiencia."],
        "cookie_btn": ["Aceptar todo", "Rechazar todo", "Configurar", "Aceptar", "Solo las necesarias"],
        "share": ["Compartir", "Facebook", "X", "WhatsApp", "Correo", "Copiar enlace", "Imprimir", "Telegram"],
        "breaking": "Última hora", "live": "En directo", "key_events": "Claves", "pinned": "Destacado",
        "comments": "{n} comentarios", "minutes": "{n} min de lectura",
        "skip": "Ir al contenido", "photo": "Foto: {name}", "by": "Por {name}", "copyright": "© {year} {name}. Todos los derechos reservados.",
        "tags": "Etiquetas", "related": "Relacionadas",
        "comment_form": ["Deja un comentario", "Nombre *", "Correo electrónico *", "Web", "Comentario", "Publicar el comentario",
                         "Guarda mi nombre, correo electrónico y web en este navegador para la próxima vez que comente.",
                         "Recibir un correo con los siguientes comentarios a esta entrada."],
        "wp_follow": "Recibir un correo electrónico con cada nueva entrada.",
        "posted": ["Publicado en", "Archivado en"],
        "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre"],
        "date": "{day} de {month} de {year}",
        "first": ["Lucía", "Javier", "Carmen", "Álvaro", "Nerea", "Diego", "Rocío", "Iván", "Paula", "Hugo", "Ainhoa", "Gonzalo"],
        "last": ["Villaseñor", "Arrieta", "Montalbán", "Cifuentes", "Beltrán", "Ocaña", "Lozano Ríos", "Echeverría", "Galindo", "Barrenechea"],
        "form_label": ["Correo electrónico", "Tu correo electrónico", "Escribe tu email"],
        "amounts": ["5 €", "10 €", "20 €", "50 €", "Otra cantidad", "Mensual", "Puntual"],
        "weather": "{t} °C, nubes y claros",
        "mirror": "¿No carga la página? Prueba nuestra web espejo o la aplicación.",
    },
    "ru": {
        "sections": ["Новости", "Политика", "Экономика", "Общество", "В мире", "Мнения", "Культура", "Спорт",
                     "Наука", "Технологии", "Расследования", "Регионы", "Война", "Истории", "Подкасты", "Видео",
                     "Репортажи", "Интервью", "Право", "Экология"],
        "utility": ["Меню", "Поиск", "Личный кабинет", "Контакты", "Архив", "Погода"],
        "footer": ["О нас", "Контакты", "Редакция", "Реклама", "Политика конфиденциальности", "Пользовательское соглашение",
                   "Вакансии", "Архив", "Карта сайта", "Редакционная политика", "Настройки cookie",
                   "Прислать новость", "Исправления", "Как нас читать"],
        "cookie": ["Мы используем файлы cookie, чтобы анализировать посещаемость сайта. Вы можете изменить настройки в любой момент.",
                   "Этот сайт использует cookie. Некоторые из них необходимы для работы сайта, другие помогают нам понять, как им пользуются.",
                   "Продолжая пользоваться сайтом, вы соглашаетесь на обработку файлов cookie."],
        "cookie_btn": ["Принять", "Отклонить", "Настроить", "Понятно", "Только необходимые"],
        "share": ["Поделиться", "Telegram", "ВКонтакте", "WhatsApp", "Почта", "Скопировать ссылку", "Печать", "X"],
        "breaking": "Срочно", "live": "Онлайн", "key_events": "Главное к этому часу", "pinned": "Закреплено",
        "comments": "Комментарии ({n})", "minutes": "{n} мин чтения",
        "skip": "Перейти к содержанию", "photo": "Фото: {name}", "by": "Автор: {name}", "copyright": "© {year} {name}. Все права защищены.",
        "tags": "Теги", "related": "По теме",
        "comment_form": ["Оставить комментарий", "Имя *", "Email *", "Сайт", "Комментарий", "Отправить комментарий",
                         "Сохранить моё имя, email и адрес сайта в этом браузере для последующих моих комментариев.",
                         "Уведомлять меня о новых комментариях по email."],
        "wp_follow": "Уведомлять меня о новых записях по email.",
        "posted": ["Рубрика:", "Опубликовано в"],
        "months": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"],
        "date": "{day} {month} {year}",
        "first": ["Анна", "Дмитрий", "Ольга", "Илья", "Мария", "Кирилл", "Елена", "Глеб", "Софья", "Артём", "Вера", "Павел"],
        "last": ["Воронцова", "Лебединский", "Шаповалова", "Крайнев", "Ермолина", "Тихонравов", "Белозерова", "Сазонов", "Мельникова", "Рощин"],
        "form_label": ["Электронная почта", "Ваш e-mail", "Введите адрес почты"],
        "amounts": ["300 ₽", "500 ₽", "1000 ₽", "5 €", "Другая сумма", "Ежемесячно", "Разово"],
        "weather": "{t} °C, облачно",
        "mirror": "Сайт не открывается? Используйте зеркало или наше приложение.",
    },
    "it": {
        "sections": ["Cronaca", "Politica", "Economia", "Esteri", "Sport", "Cultura", "Spettacoli", "Opinioni",
                     "Scienze", "Salute", "Tecnologia", "Territorio", "Ambiente", "Scuola", "Meteo", "Video",
                     "Podcast", "Motori", "Viaggi", "Cucina"],
        "utility": ["Menu", "Cerca", "Il mio profilo", "Contatti", "Meteo"],
        "footer": ["Chi siamo", "Contatti", "Note legali", "Privacy policy", "Cookie policy", "Pubblicità",
                   "Lavora con noi", "Accessibilità", "Mappa del sito", "Codice etico", "Gestisci i cookie",
                   "Archivio", "Lettere al direttore", "Domande frequenti"],
        "cookie": ["Utilizziamo cookie tecnici e, previo consenso, cookie di analisi per migliorare la tua esperienza. Puoi modificare le tue scelte in qualsiasi momento.",
                   "Questo sito usa cookie. Alcuni sono necessari al funzionamento, altri ci aiutano a capire come viene usato.",
                   "Noi e i nostri partner archiviamo informazioni sul tuo dispositivo per misurare il pubblico."],
        "cookie_btn": ["Accetta tutti", "Rifiuta", "Personalizza", "Accetta", "Solo necessari"],
        "share": ["Condividi", "Facebook", "X", "WhatsApp", "Email", "Copia link", "Stampa", "Telegram"],
        "breaking": "Ultim'ora", "live": "Diretta", "key_events": "I punti chiave", "pinned": "In evidenza",
        "comments": "{n} commenti", "minutes": "{n} minuti di lettura",
        "skip": "Vai al contenuto", "photo": "Foto: {name}", "by": "di {name}", "copyright": "© {year} {name}. Tutti i diritti riservati.",
        "tags": "Argomenti", "related": "Leggi anche",
        "comment_form": ["Lascia un commento", "Nome *", "Email *", "Sito web", "Commento", "Invia commento",
                         "Salva il mio nome, email e sito web in questo browser per la prossima volta che commento.",
                         "Avvisami via email in caso di risposte al mio commento."],
        "wp_follow": "Avvisami via email alla pubblicazione di un nuovo articolo.",
        "posted": ["Pubblicato in", "Archiviato in"],
        "months": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                   "ottobre", "novembre", "dicembre"],
        "date": "{day} {month} {year}",
        "first": ["Giulia", "Matteo", "Chiara", "Lorenzo", "Federica", "Davide", "Serena", "Tommaso", "Elisa", "Andrea", "Marta", "Nicolò"],
        "last": ["Bernardini", "Castellucci", "Ferrante", "Lombardo", "Pellegrini", "Santoro", "Vitale", "Marchetti", "Rinaldi", "Gatti"],
        "form_label": ["Indirizzo email", "La tua email", "Inserisci la tua email"],
        "amounts": ["5 €", "10 €", "20 €", "50 €", "Altro importo", "Mensile", "Una tantum"],
        "weather": "{t} °C, poco nuvoloso",
        "mirror": "Il sito non si apre? Usa il nostro sito specchio o l'app.",
    },
    "pt": {
        "sections": ["Últimas", "Política", "Economia", "Mundo", "Desporto", "Cultura", "Opinião", "Sociedade",
                     "Ciência", "Saúde", "Tecnologia", "Local", "Educação", "Ambiente", "Tempo", "Vídeos",
                     "Podcasts", "Viagens", "Gastronomia", "Justiça"],
        "utility": ["Menu", "Pesquisar", "A minha conta", "Contactos", "Tempo"],
        "footer": ["Quem somos", "Contactos", "Ficha técnica", "Política de privacidade", "Política de cookies",
                   "Termos de utilização", "Publicidade", "Trabalhe connosco", "Acessibilidade", "Mapa do site", "RSS",
                   "Estatuto editorial", "Gerir cookies", "Arquivo", "Cartas ao diretor"],
        "cookie": ["Utilizamos cookies para analisar o tráfego e melhorar a sua experiência. Pode alterar as suas escolhas a qualquer momento.",
                   "Este site utiliza cookies. Alguns são essenciais ao funcionamento, outros ajudam-nos a perceber como é usado.",
                   "Nós e os nossos parceiros guardamos informação no seu dispositivo para medir audiências."],
        "cookie_btn": ["Aceitar todos", "Rejeitar", "Configurar", "Aceitar", "Apenas os necessários"],
        "share": ["Partilhar", "Facebook", "X", "WhatsApp", "Email", "Copiar ligação", "Imprimir", "Telegram"],
        "breaking": "Última hora", "live": "Em direto", "key_events": "Os pontos principais", "pinned": "Fixado",
        "comments": "{n} comentários", "minutes": "{n} min de leitura",
        "skip": "Saltar para o conteúdo", "photo": "Foto: {name}", "by": "Por {name}", "copyright": "© {year} {name}. Todos os direitos reservados.",
        "tags": "Etiquetas", "related": "Relacionados",
        "comment_form": ["Deixe um comentário", "Nome *", "Email *", "Site", "Comentário", "Publicar comentário",
                         "Guardar o meu nome, email e site neste navegador para a próxima vez que eu comentar.",
                         "Notificar-me de novos comentários por email."],
        "wp_follow": "Notificar-me de novos artigos por email.",
        "posted": ["Publicado em", "Arquivado em"],
        "months": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                   "outubro", "novembro", "dezembro"],
        "date": "{day} de {month} de {year}",
        "first": ["Inês", "Tiago", "Beatriz", "Rui", "Mariana", "Gonçalo", "Catarina", "Duarte", "Leonor", "Bruno", "Joana", "Vasco"],
        "last": ["Carvalhais", "Meireles", "Pimentel", "Sequeira", "Valadares", "Tavares", "Fonseca", "Barroso", "Quintela", "Lacerda"],
        "form_label": ["Endereço de email", "O seu email", "Escreva o seu email"],
        "amounts": ["5 €", "10 €", "20 €", "50 €", "Outro valor", "Mensal", "Único"],
        "weather": "{t} °C, céu nublado",
        "mirror": "O site não abre? Use o nosso site espelho ou a aplicação.",
    },
    "pl": {
        "sections": ["Wiadomości", "Polityka", "Gospodarka", "Świat", "Sport", "Kultura", "Opinie", "Region",
                     "Nauka", "Zdrowie", "Technologie", "Edukacja", "Motoryzacja", "Pogoda", "Wideo", "Podcasty",
                     "Kraj", "Społeczeństwo", "Historia", "Turystyka"],
        "utility": ["Menu", "Szukaj", "Moje konto", "Kontakt", "Pogoda"],
        "footer": ["O nas", "Kontakt", "Redakcja", "Reklama", "Polityka prywatności", "Regulamin", "Kariera",
                   "Dostępność", "Mapa serwisu", "Zasady etyki", "Ustawienia cookies", "Archiwum",
                   "Listy do redakcji", "Pomoc"],
        "cookie": ["Używamy plików cookies, aby analizować ruch i ulepszać serwis. Swoje wybory możesz zmienić w każdej chwili.",
                   "Ta strona korzysta z plików cookies. Niektóre są niezbędne, inne pomagają nam zrozumieć, jak korzystasz z serwisu.",
                   "My i nasi partnerzy przechowujemy informacje na Twoim urządzeniu w celu pomiaru oglądalności."],
        "cookie_btn": ["Akceptuję", "Odrzuć wszystkie", "Ustawienia", "Zgadzam się", "Tylko niezbędne"],
        "share": ["Udostępnij", "Facebook", "X", "WhatsApp", "E-mail", "Kopiuj link", "Drukuj", "Messenger"],
        "breaking": "Pilne", "live": "Na żywo", "key_events": "Najważniejsze", "pinned": "Przypięte",
        "comments": "Komentarze ({n})", "minutes": "{n} min czytania",
        "skip": "Przejdź do treści", "photo": "Fot. {name}", "by": "Autor: {name}", "copyright": "© {year} {name}. Wszelkie prawa zastrzeżone.",
        "tags": "Tagi", "related": "Zobacz też",
        "comment_form": ["Dodaj komentarz", "Imię *", "E-mail *", "Strona internetowa", "Komentarz", "Opublikuj komentarz",
                         "Zapisz moje dane, adres e-mail i witrynę w przeglądarce na potrzeby kolejnych komentarzy.",
                         "Powiadom mnie o kolejnych komentarzach e-mailem."],
        "wp_follow": "Powiadom mnie o nowych wpisach e-mailem.",
        "posted": ["Opublikowano w", "Kategoria:"],
        "months": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
                   "października", "listopada", "grudnia"],
        "date": "{day} {month} {year}",
        "first": ["Agnieszka", "Paweł", "Magdalena", "Krzysztof", "Zofia", "Michał", "Aleksandra", "Bartosz", "Natalia", "Wojciech", "Ewa", "Jakub"],
        "last": ["Wiśniewska", "Kaczmarek", "Zawadzki", "Sobczak", "Michalska", "Grabowski", "Jabłońska", "Pietrzak", "Wróbel", "Dudek"],
        "form_label": ["Adres e-mail", "Twój e-mail", "Wpisz adres e-mail"],
        "amounts": ["10 zł", "20 zł", "50 zł", "100 zł", "Inna kwota", "Co miesiąc", "Jednorazowo"],
        "weather": "{t} °C, zachmurzenie",
        "mirror": "Strona się nie otwiera? Skorzystaj z lustrzanej kopii lub aplikacji.",
    },
    "uk": {
        "sections": ["Новини", "Політика", "Економіка", "Суспільство", "Світ", "Думки", "Культура", "Спорт",
                     "Наука", "Технології", "Розслідування", "Регіони", "Війна", "Історії", "Подкасти", "Відео",
                     "Громада", "Освіта", "Здоров'я", "Погода"],
        "utility": ["Меню", "Пошук", "Особистий кабінет", "Контакти", "Архів", "Погода"],
        "footer": ["Про нас", "Контакти", "Редакція", "Реклама", "Політика конфіденційності", "Умови користування",
                   "Вакансії", "Архів", "Мапа сайту", "Редакційна політика", "Налаштування cookie",
                   "Надіслати новину", "Виправлення", "Правила коментування"],
        "cookie": ["Ми використовуємо файли cookie, щоб аналізувати відвідуваність сайту. Ви можете змінити налаштування будь-коли.",
                   "Цей сайт використовує cookie. Деякі з них потрібні для роботи сайту, інші допомагають нам зрозуміти, як ним користуються.",
                   "Продовжуючи користуватися сайтом, ви погоджуєтеся на використання файлів cookie."],
        "cookie_btn": ["Прийняти", "Відхилити", "Налаштувати", "Зрозуміло", "Лише необхідні"],
        "share": ["Поділитися", "Telegram", "Facebook", "Viber", "Пошта", "Скопіювати посилання", "Друк", "X"],
        "breaking": "Терміново", "live": "Наживо", "key_events": "Головне на цю годину", "pinned": "Закріплено",
        "comments": "Коментарі ({n})", "minutes": "{n} хв читання",
        "skip": "Перейти до змісту", "photo": "Фото: {name}", "by": "Автор: {name}", "copyright": "© {year} {name}. Усі права захищені.",
        "tags": "Теги", "related": "Читайте також",
        "comment_form": ["Залишити коментар", "Ім'я *", "Email *", "Сайт", "Коментар", "Надіслати коментар",
                         "Зберегти моє ім'я, email і сайт у цьому браузері для наступних коментарів.",
                         "Повідомляти мене про нові коментарі поштою."],
        "wp_follow": "Повідомляти мене про нові записи поштою.",
        "posted": ["Рубрика:", "Опубліковано в"],
        "months": ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
                   "жовтня", "листопада", "грудня"],
        "date": "{day} {month} {year}",
        "first": ["Оксана", "Тарас", "Ірина", "Богдан", "Соломія", "Андрій", "Наталя", "Остап", "Дарина", "Мирослав", "Леся", "Юрій"],
        "last": ["Коваленко", "Гнатюк", "Левчук", "Бондар", "Шевчук", "Мельничук", "Сидоренко", "Кравець", "Ткачук", "Дмитренко"],
        "form_label": ["Електронна пошта", "Ваш e-mail", "Введіть адресу пошти"],
        "amounts": ["100 ₴", "200 ₴", "500 ₴", "5 €", "Інша сума", "Щомісяця", "Разово"],
        "weather": "{t} °C, хмарно",
        "mirror": "Сайт не відкривається? Скористайтеся дзеркалом або застосунком.",
    },
}
CHROME_FALLBACK = "en"
NAMED = {  # ad label, most read, trending, listen, load more
    "en": ("Advertisement", "Most read", "Trending now", "Listen to this article", "Load more"),
    "de": ("Anzeige", "Meistgelesen", "Top-Themen", "Artikel vorlesen", "Mehr laden"),
    "fr": ("Publicité", "Les plus lus", "À la une", "Écouter cet article", "Charger plus"),
    "es": ("Publicidad", "Lo más visto", "Lo último", "Escuchar este artículo", "Cargar más"),
    "ru": ("Реклама", "Самое читаемое", "Главное", "Слушать статью", "Загрузить ещё"),
    "it": ("Pubblicità", "I più letti", "In primo piano", "Ascolta l'articolo", "Carica altri"),
    "pt": ("Publicidade", "Mais lidas", "Em destaque", "Ouvir este artigo", "Carregar mais"),
    "pl": ("Reklama", "Najczęściej czytane", "Na czasie", "Posłuchaj artykułu", "Załaduj więcej"),
    "uk": ("Реклама", "Найпопулярніше", "Головне", "Слухати статтю", "Завантажити ще"),
}
for _lang, _names in NAMED.items():
    CHROME[_lang].update(zip(("ad", "most_read", "trending", "listen", "load_more"), _names))

# ---------------------------------------------------------------------------
# Class-naming styles. A role is what the element is; a style turns it into
# the class (and sometimes id) a real site of that kind would use.
# ---------------------------------------------------------------------------
BEM = {
    "page": "page", "header": "site-header", "topbar": "site-header__top", "logo": "site-header__logo",
    "nav": "main-nav", "nav_list": "main-nav__list", "nav_item": "main-nav__item", "actions": "site-header__actions",
    "ticker": "breaking-ticker", "main": "site-main", "grid": "layout-grid", "col": "layout-grid__main",
    "aside": "layout-grid__aside", "article": "article", "art_header": "article__header", "kicker": "article__kicker",
    "title": "article__title", "standfirst": "article__standfirst", "meta": "article__meta", "byline": "article__byline",
    "date": "article__date", "figure": "article__figure", "caption": "article__caption", "body": "article__body",
    "para": "article__paragraph", "subhead": "article__subheading", "quote": "article__quote", "list": "article__list",
    "table": "article__table", "share": "share-bar", "share_item": "share-bar__item", "tags": "article__tags",
    "related": "related-articles", "related_item": "related-articles__item", "comments": "comments",
    "footer": "site-footer", "footer_col": "site-footer__column", "footer_links": "site-footer__links",
    "legal": "site-footer__legal", "cookie": "cookie-banner", "cookie_btn": "cookie-banner__button",
    "ad": "ad-slot", "most_read": "most-read", "live_post": "live-post", "live_time": "live-post__time",
    "teaser": "teaser", "wrapper": "container",
    # appeal units by category
    "donation": "donate-box", "paywall": "paywall", "newsletter": "newsletter-signup", "adblock": "adblock-notice",
    "foreign_agent": "agent-disclaimer", "unit_title": "{u}__title", "unit_text": "{u}__text", "unit_button": "{u}__button",
    "unit_fine": "{u}__legal", "unit_form": "{u}__form", "unit_label": "{u}__label", "banner": "top-banner",
    "sticky": "sticky-footer", "modal": "modal", "cta": "btn btn--primary", "cta2": "btn btn--ghost",
    "cta_donation": "button--donate", "cta_paywall": "button--subscribe", "cta_newsletter": "newsletter-link",
    "cta_adblock": "adblock-allow", "cta_foreign_agent": "agent-note",
}
LOCAL = {
    "de": {"header": "kopfbereich", "nav": "hauptnavigation", "body": "artikel-text", "footer": "fussbereich",
           "donation": "spendenaufruf", "paywall": "abo-hinweis", "newsletter": "newsletter-anmeldung",
           "adblock": "werbeblocker-hinweis", "foreign_agent": "hinweis-auslandsagent", "related": "weitere-artikel",
           "share": "teilen-leiste", "cookie": "einwilligung", "comments": "kommentare", "title": "ueberschrift",
           "byline": "autorenzeile", "caption": "bildunterschrift", "banner": "hinweisleiste", "sticky": "fusszeile-fix",
           "modal": "ueberlagerung", "cta": "knopf knopf-primaer", "aside": "seitenspalte", "kicker": "dachzeile"},
    "fr": {"header": "entete", "nav": "navigation-principale", "body": "corps-article", "footer": "pied-de-page",
           "donation": "appel-dons", "paywall": "bloc-abonnement", "newsletter": "lettre-info",
           "adblock": "bloqueur-pub", "foreign_agent": "mention-agent-etranger", "related": "articles-lies",
           "share": "partage", "cookie": "bandeau-cookies", "comments": "commentaires", "title": "titre",
           "byline": "signature", "caption": "legende", "banner": "bandeau", "sticky": "bandeau-bas",
           "modal": "fenetre", "cta": "bouton bouton-principal", "aside": "colonne", "kicker": "surtitre"},
    "es": {"header": "cabecera", "nav": "menu-principal", "body": "cuerpo-noticia", "footer": "pie",
           "donation": "caja-donaciones", "paywall": "muro-suscripcion", "newsletter": "boletin",
           "adblock": "aviso-bloqueador", "foreign_agent": "aviso-agente", "related": "noticias-relacionadas",
           "share": "compartir", "cookie": "aviso-cookies", "comments": "comentarios", "title": "titular",
           "byline": "firma", "caption": "pie-foto", "banner": "franja", "sticky": "barra-inferior",
           "modal": "ventana", "cta": "boton boton-principal", "aside": "lateral", "kicker": "antetitulo"},
    "ru": {"header": "shapka", "nav": "menu", "body": "statya-tekst", "footer": "podval",
           "donation": "podderzhka", "paywall": "podpiska", "newsletter": "rassylka",
           "adblock": "blokirovshchik", "foreign_agent": "inoagent", "related": "po-teme",
           "share": "podelitsya", "cookie": "kuki", "comments": "kommentarii", "title": "zagolovok",
           "byline": "avtor", "caption": "podpis-foto", "banner": "plashka", "sticky": "plashka-niz",
           "modal": "okno", "cta": "knopka knopka-glavnaya", "aside": "sidebar", "kicker": "rubrika"},
    "it": {"header": "testata", "nav": "menu-principale", "body": "testo-articolo", "footer": "piede",
           "donation": "sostienici", "paywall": "abbonati-box", "newsletter": "iscrizione-newsletter",
           "adblock": "avviso-adblock", "related": "articoli-correlati", "share": "condividi", "cookie": "informativa-cookie",
           "title": "titolo", "byline": "firma", "caption": "didascalia", "banner": "fascia", "sticky": "barra-fissa",
           "modal": "finestra", "cta": "pulsante pulsante-primario", "aside": "colonna-destra", "kicker": "occhiello"},
    "pt": {"header": "cabecalho", "nav": "menu-principal", "body": "corpo-artigo", "footer": "rodape",
           "donation": "apoiar-jornal", "paywall": "caixa-assinatura", "newsletter": "inscricao-newsletter",
           "adblock": "aviso-bloqueador", "related": "artigos-relacionados", "share": "partilhar", "cookie": "aviso-cookies",
           "title": "titulo", "byline": "assinatura", "caption": "legenda", "banner": "faixa", "sticky": "barra-fixa",
           "modal": "janela", "cta": "botao botao-principal", "aside": "coluna", "kicker": "antetitulo"},
    "pl": {"header": "naglowek", "nav": "menu-glowne", "body": "tresc-artykulu", "footer": "stopka",
           "donation": "wsparcie", "paywall": "prenumerata-box", "newsletter": "zapisz-sie",
           "adblock": "blokada-reklam", "related": "powiazane", "share": "udostepnij", "cookie": "zgoda-cookies",
           "title": "tytul", "byline": "autor", "caption": "podpis", "banner": "pasek", "sticky": "pasek-dolny",
           "modal": "okienko", "cta": "przycisk przycisk-glowny", "aside": "kolumna", "kicker": "nadtytul"},
    "uk": {"header": "shapka", "nav": "menyu", "body": "tekst-statti", "footer": "pidval",
           "donation": "pidtrymka", "paywall": "peredplata", "newsletter": "rozsylka",
           "adblock": "blokuvalnyk", "related": "za-temoyu", "share": "podilytysya", "cookie": "cookie-zgoda",
           "title": "zagolovok", "byline": "avtor", "caption": "pidpys", "banner": "plashka", "sticky": "plashka-nyz",
           "modal": "vikno", "cta": "knopka", "aside": "sidebar", "kicker": "rubryka"},
}
UTILITY = {
    "header": "sticky top-0 z-50 bg-white border-b", "nav": "hidden md:flex gap-6 text-sm font-medium",
    "nav_list": "flex flex-wrap gap-4", "nav_item": "py-2", "main": "mx-auto max-w-7xl px-4",
    "grid": "grid grid-cols-12 gap-8", "col": "col-span-12 lg:col-span-8", "aside": "col-span-12 lg:col-span-4",
    "article": "mx-auto max-w-3xl", "title": "text-3xl md:text-5xl font-bold leading-tight",
    "standfirst": "mt-4 text-xl text-gray-700", "meta": "mt-3 flex items-center gap-2 text-sm text-gray-500",
    "body": "prose prose-lg mt-8", "para": "mb-4", "caption": "mt-2 text-xs text-gray-500",
    "footer": "mt-16 bg-neutral-900 text-neutral-200 py-12", "share": "flex gap-3 my-6",
    "related": "mt-12 border-t pt-6", "cookie": "fixed bottom-0 inset-x-0 bg-white p-4 shadow-lg",
    "donation": "my-8 rounded-lg bg-amber-50 p-6 border border-amber-200",
    "paywall": "relative mt-6 rounded-xl bg-slate-50 p-8 text-center",
    "newsletter": "my-10 rounded-md bg-sky-50 px-6 py-5", "adblock": "fixed inset-0 z-[60] flex items-center justify-center bg-black/70",
    "foreign_agent": "my-4 border border-gray-400 p-3 text-xs uppercase", "banner": "w-full bg-yellow-300 py-2 text-center text-sm",
    "sticky": "fixed bottom-0 left-0 right-0 z-40 bg-white shadow-2xl p-4", "modal": "fixed inset-0 z-50 flex items-center justify-center",
    "cta": "inline-flex items-center rounded-full bg-black px-5 py-2 text-white", "cta2": "text-sm underline",
    "unit_title": "text-lg font-semibold", "unit_text": "mt-2 text-base", "unit_fine": "mt-3 text-xs text-gray-500",
    "unit_form": "mt-4 flex flex-col gap-2 sm:flex-row", "unit_label": "sr-only", "unit_button": "mt-4",
}
OPAQUE_CONTENT_SHARE = 0.3
OPAQUE = ["module", "box", "widget", "block", "component", "panel", "card card--wide", "section-inner",
          "content-block", "embed", "c-unit", "slot", "wrapper", "promo-area", "mod mod--b", "area-3"]


class Styler:
    """Turns roles into class attributes in one of the naming styles."""

    def __init__(self, style: str, lang: str, opaque_appeals: bool, rng: random.Random):
        self.style, self.lang, self.opaque, self.rng = style, lang, opaque_appeals, rng
        self.memo: dict[str, str] = {}
        self.prefix = rng.choice(["", "", "c-", "o-", "js-", "np-"])

    def _hash(self, n: int = 7) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def cls(self, role: str, unit: str | None = None) -> str:
        """Class string for a role; ``unit`` is the appeal unit's own role for unit parts."""
        key = f"{role}|{unit}"
        if key in self.memo:
            return self.memo[key]
        appeal_role = role in ("donation", "paywall", "newsletter", "adblock", "foreign_agent", "banner", "sticky", "modal")
        unit_part = role.startswith("unit_") or role in ("cta", "cta2")
        if self.opaque and (appeal_role or (unit_part and unit)):
            value = "" if self.rng.random() < 0.35 else self.rng.choice(OPAQUE)
        elif not appeal_role and not unit_part and self.rng.random() < OPAQUE_CONTENT_SHARE:
            # the same say-nothing names wrap content too (related lists, bodies,
            # sidebars), or a model learns that "box" means "appeal"
            value = self.rng.choice(OPAQUE)
        elif self.style == "bem":
            base = BEM.get(role, role.replace("_", "-"))
            value = self.prefix + base.format(u=BEM.get(unit, unit or "unit")) if "{u}" in base else self.prefix + base
        elif self.style == "utility":
            value = UTILITY.get(role) or self.rng.choice(["", "mt-2", "flex items-center", "px-2", "text-sm", "space-y-2", "relative"])
        elif self.style == "hashed":
            if self.rng.random() < (0.6 if appeal_role or unit_part else 0.4):  # CSS modules keep a component name
                comp = "".join(w.capitalize() for w in re.split(r"[_\-]", role)) if not unit_part else \
                    "".join(w.capitalize() for w in (unit or "unit").split("_")) + "_" + role[5:] if role.startswith("unit_") else "Button"
                value = f"{comp}_root__{self._hash(5)}"
            elif self.rng.random() < 0.5:
                value = f"css-{self._hash(7)}"
            else:
                value = f"sc-{self._hash(6)} {self._hash(6)}"
        elif self.style == "local":
            table = LOCAL.get(self.lang)
            if table and role in table:
                value = table[role]
            elif table and role.startswith("unit_") and unit in table:
                value = table[unit] + "__" + role[5:]
            else:
                value = BEM.get(role, role.replace("_", "-")).replace("{u}", unit or "unit")
        else:  # "plain": old CMS, few classes
            value = self.rng.choice(["", "", role.replace("_", ""), "clearfix"])
        self.memo[key] = value
        return value


# ---------------------------------------------------------------------------
# A tiny element tree that remembers which text is an appeal.
# ---------------------------------------------------------------------------
class T:
    """A run of text; ``labels`` empty = content."""

    __slots__ = ("text", "labels", "form", "src")

    def __init__(self, text: str, labels=(), form: str | None = None, src: str | None = None):
        self.text, self.labels, self.form, self.src = text, tuple(labels), form, src


class E:
    """An element: tag, attributes (None and "" dropped), children (E, T or plain content str)."""

    __slots__ = ("tag", "attrs", "kids")

    def __init__(self, tag: str, attrs: dict | None = None, *kids):
        self.tag, self.attrs = tag, {k: v for k, v in (attrs or {}).items() if v not in (None, "")}
        self.kids = [k for k in kids if k is not None]


def render(node, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(html.escape(node, quote=False))
        return
    if isinstance(node, T):
        out.append(html.escape(node.text, quote=False))
        return
    attrs = "".join(f' {k}="{html.escape(str(v))}"' if v is not True else f" {k}"
                    for k, v in node.attrs.items() if v not in (None, "", False))
    out.append(f"<{node.tag}{attrs}>")
    if node.tag in VOID:
        return
    if node.tag in ("script", "style"):
        out.append("".join(k for k in node.kids if isinstance(k, str)))
    else:
        blocky = all(isinstance(k, E) and (k.tag in BLOCK_TAGS or k.tag in SKIP_TAGS) for k in node.kids)
        for k in node.kids:
            if blocky:
                out.append("\n")
            render(k, out)
        if blocky and node.kids:
            out.append("\n")
    out.append(f"</{node.tag}>")


_HIDDEN_MEMO: dict[str, bool] = {}


def _hidden(node: E) -> bool:
    """Whether the segmenter skips this element as hidden (asked of the segmenter itself, so the two never drift)."""
    if not node.attrs:
        return False
    key = "".join(f' {k}="{html.escape(str(v))}"' if v is not True else f" {k}" for k, v in sorted(node.attrs.items()))
    if key not in _HIDDEN_MEMO:
        probe = f"<html><body><div{key}><p>probe</p></div></body></html>"
        _HIDDEN_MEMO[key] = not any(b.text == "probe" for b in segment_html(probe))
    return _HIDDEN_MEMO[key]


def expected_blocks(root: E) -> list[tuple[str, tuple, list]]:
    """What segment_html must produce from ``root``: (text, labels, runs) per block, in order."""
    blocks: list[tuple[str, tuple, list]] = []

    def own(node: E, texts: list, runs: list, nested: list) -> None:
        for k in node.kids:
            if isinstance(k, str):
                texts.append(k)
                runs.append(T(k))
            elif isinstance(k, T):
                texts.append(k.text)
                runs.append(k)
            else:
                tag = k.tag
                if tag in SKIP_TAGS or _hidden(k):
                    continue
                if tag in BLOCK_TAGS:
                    nested.append(k)
                    texts.append(" ")
                elif tag == "br":
                    texts.append(" ")
                else:
                    own(k, texts, runs, nested)

    def visit(node: E) -> None:
        if _hidden(node):
            return
        texts, runs, nested = [], [], []
        own(node, texts, runs, nested)
        text = normalize_space("".join(texts))
        if text:
            labelled = {r.labels for r in runs if r.labels}
            if len(labelled) > 1:
                raise BuildError(f"block mixes appeal categories: {text[:80]!r}")
            labels = labelled.pop() if labelled else ()
            if labels and any(not r.labels and re.search(r"\w", r.text) for r in runs):
                raise BuildError(f"block mixes appeal and content text: {text[:80]!r}")
            blocks.append((text, labels, [r for r in runs if r.labels or r.src]))
        for k in nested:
            visit(k)

    body = next(k for k in root.kids if isinstance(k, E) and k.tag == "body")
    visit(body)
    return blocks


class BuildError(Exception):
    """A page whose layout or labels are inconsistent."""


# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------
def load_jsonl(paths) -> list[dict]:
    rows = []
    for path in sorted(paths):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f"warning: {path}:{n}: not valid JSON, skipped", file=sys.stderr)
    return rows


class Corpus:
    def __init__(self, root: Path):
        self.publishers = {p["id"]: p for p in load_jsonl(root.glob("publishers/*.jsonl")) if "id" in p}
        blocks = [b for b in load_jsonl(root.glob("blocks/*.jsonl"))
                  if isinstance(b.get("text"), str) and b.get("publisher") in self.publishers
                  and isinstance(b.get("labels"), list)]
        for b in blocks:
            b["text"] = normalize_space(b["text"])
            b["labels"] = sorted(set(b["labels"]))
        blocks = [b for b in blocks if b["text"]]
        blocks.sort(key=lambda b: b.get("id", ""))
        # texts that are an appeal somewhere must never be placed as content
        self.appeal_keys = defaultdict(set)
        label_of = defaultdict(set)
        for b in blocks:
            key = b["text"].casefold()
            label_of[key].add(tuple(b["labels"]))
            if b["labels"]:
                self.appeal_keys[b["lang"]].add(key)
        self.conflicts = {k for k, v in label_of.items() if len(v) > 1}
        self.blocks = [b for b in blocks if b["text"].casefold() not in self.conflicts]
        self.by_pub = defaultdict(list)
        self.by_lang = defaultdict(list)
        for b in self.blocks:
            self.by_pub[b["publisher"]].append(b)
            self.by_lang[b["lang"]].append(b)


def slugify(text: str, limit: int = 48) -> str:
    table = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
                           "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
                           "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
                           "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ß": "ss"})
    text = unicodedata.normalize("NFKD", text.lower().translate(table)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:limit].rstrip("-") or "page"


# ---------------------------------------------------------------------------
# Materials for one page
# ---------------------------------------------------------------------------
TEMPLATES = ["national_daily", "magazine_longread", "local_news", "wordpress_blog", "ngo_site", "newsletter_post",
             "exile_media", "tabloid", "public_broadcaster", "amp_minimal", "plus_paywall", "live_blog"]
KIND_TEMPLATES = {
    "national": {"national_daily": 5, "plus_paywall": 2, "live_blog": 1, "magazine_longread": 1},
    "regional": {"local_news": 3, "national_daily": 2, "plus_paywall": 2},
    "local": {"local_news": 5, "wordpress_blog": 1, "amp_minimal": 1},
    "magazine": {"magazine_longread": 5, "plus_paywall": 1, "wordpress_blog": 1},
    "ngo": {"ngo_site": 5, "wordpress_blog": 1},
    "blog": {"wordpress_blog": 4, "newsletter_post": 2},
    "newsletter_platform": {"newsletter_post": 5},
    "exile_media": {"exile_media": 5, "live_blog": 1},
    "independent": {"magazine_longread": 2, "wordpress_blog": 2, "ngo_site": 1, "newsletter_post": 1, "national_daily": 1},
    "tabloid": {"tabloid": 5, "live_blog": 1},
    "public_broadcaster": {"public_broadcaster": 5, "live_blog": 1},
    "trade": {"magazine_longread": 2, "national_daily": 2, "wordpress_blog": 1},
}
STYLES = {"bem": 5, "utility": 2, "hashed": 3, "local": 2, "plain": 1}


def weighted(rng: random.Random, table: dict):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def page_rng(*parts) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _nameless(text: str) -> bool:
    words = re.findall(r"\w+", text)
    return len(words) <= 6 and not any(w[:1].isupper() for w in words[1:])


class Kit:
    """The blocks a page may use, handed out without repeats within the page."""

    def __init__(self, corpus: Corpus, pub: dict, share: list[dict], rng: random.Random, negative: bool):
        self.rng, self.lang, self.negative = rng, pub["lang"], negative
        own = corpus.by_pub[pub["id"]]
        share_ids = self.share_ids = {b["id"] for b in share}
        # the page's share first, then the rest of the publisher, then the language
        ordered = share + [b for b in own if b["id"] not in share_ids]
        pool = [b for b in corpus.by_lang[self.lang] if b["publisher"] != pub["id"]]
        rng.shuffle(pool)
        self.used_keys: set[str] = set()
        self.own = ordered
        self.pool = pool
        self.appeal_keys = corpus.appeal_keys[self.lang]
        self.chrome = CHROME.get(self.lang, CHROME[CHROME_FALLBACK])

    def _take(self, source, pred, mark=True):
        for b in source:
            key = b["text"].casefold()
            if key in self.used_keys or not pred(b):
                continue
            if mark:
                self.used_keys.add(key)
            return b
        return None

    def take(self, forms, labels=None, own_only=False, pool_ok=True, generic=False):
        """A block of one of ``forms``; ``labels`` None = content, else a category it must carry.

        ``generic``: from other publishers, only texts that name no outlet (no capitalised word after
        the first), so a borrowed button or fine print does not speak in another outlet's voice.
        """
        forms = (forms,) if isinstance(forms, str) else tuple(forms)

        def pred(b):
            if b["form"] not in forms:
                return False
            if labels is None:
                return not b["labels"]
            if self.negative:
                return False
            return labels == "*" and bool(b["labels"]) or labels in b["labels"]

        got = self._take(self.own, pred)
        if got is None and pool_ok and not own_only:
            got = self._take(self.pool, (lambda b: pred(b) and _nameless(b["text"])) if generic else pred)
        return got

    def text(self, forms, labels=None, **kw) -> T | None:
        b = self.take(forms, labels, **kw)
        if b is None:
            return None
        return T(b["text"], b["labels"], b["form"], b["id"])

    def chrome_text(self, s: str) -> str | None:
        """A chrome string, unless the corpus says it is an appeal or the page already has it."""
        key = normalize_space(s).casefold()
        if key in self.appeal_keys or key in self.used_keys:
            return None
        self.used_keys.add(key)
        return s

    def name(self) -> str:
        c = self.chrome
        return f"{self.rng.choice(c['first'])} {self.rng.choice(c['last'])}"

    def date(self) -> str:
        c = self.chrome
        return c["date"].format(day=self.rng.randint(1, 28), month=self.rng.choice(c["months"]), year=self.rng.choice([2024, 2025, 2026]))


# ---------------------------------------------------------------------------
# Page builder
# ---------------------------------------------------------------------------
class Page:
    def __init__(self, corpus: Corpus, pub: dict, template: str, style: str, opaque: bool,
                 share: list[dict], rng: random.Random, negative: bool, size: int):
        self.pub, self.template, self.rng, self.negative = pub, template, rng, negative
        self.lang = pub["lang"]
        self.kit = Kit(corpus, pub, share, rng, negative)
        self.s = Styler(style, self.lang, opaque, rng)
        self.c = self.kit.chrome
        self.size = size  # target number of blocks
        self.title_id = None

    # -- small helpers -------------------------------------------------
    def cls(self, role, unit=None):
        return self.s.cls(role, unit)

    def decorate(self, t: T):
        """Inline markup inside a text run (<strong>, <a>, <em>, <br>) without changing its block text."""
        r = self.rng.random()
        words = t.text.split(" ")
        if len(words) < 6 or r < 0.55:
            return [t]
        cut = self.rng.randint(2, len(words) - 2)
        a, b = " ".join(words[:cut]), " ".join(words[cut:])
        first, second = T(a, t.labels, t.form, t.src), T(" " + b, t.labels, t.form, t.src)
        if r < 0.7:
            return [E("strong", {}, first), second]
        if r < 0.82:
            return [first, E("a", {"href": self.href(t.labels)}, second)]
        if r < 0.92:  # a line break where a sentence ends
            m = re.search(r"[.!?…:] ", t.text[:-2])
            if m:
                return [T(t.text[: m.end() - 1], t.labels, t.form, t.src), E("br", {}),
                        T(t.text[m.end():], t.labels, t.form, t.src)]
            return [E("strong", {}, first), second]
        return [E("em", {}, first), second]

    def href(self, labels=()):
        paths = {"donation": ["/donate", "/support", "/unterstuetzen", "/soutenir", "/apoyar", "/donate?utm_source=article"],
                 "paywall": ["/subscribe", "/abo", "/abonnement", "/suscripcion", "/login", "/offers?src=wall"],
                 "newsletter": ["/newsletters", "/newsletter", "/lettres", "/boletines", "https://t.me/example_channel"],
                 "adblock": ["/help/adblock", "/whitelist"], "foreign_agent": ["/about/status", "/inoagent"]}
        for lab in labels:
            return self.rng.choice(paths.get(lab, ["#"]))
        return self.rng.choice(["/news/", "/politics/", "/section/", "#", "/2025/", "/topics/"]) + str(self.rng.randint(10, 9999))

    def chrome_list(self, key, k):
        items = list(self.c[key])
        self.rng.shuffle(items)
        out = []
        for s in items:
            if len(out) >= k:
                break
            s = self.kit.chrome_text(s)
            if s:
                out.append(s)
        return out

    def cta_cls(self, t) -> str:
        """Class of an appeal link or button: sites often name what it is for (header__subscribe)."""
        base = self.cls("cta")
        if isinstance(t, T) and t.labels and self.rng.random() < 0.6 and not self.s.opaque:
            extra = self.cls("cta_" + t.labels[0])
            if self.s.style == "local" and t.labels[0] in LOCAL.get(self.lang, {}):
                extra = LOCAL[self.lang][t.labels[0]] + "-link"
            return f"{base} {extra}".strip()
        return base

    def link(self, text, cls=None):
        labels = text.labels if isinstance(text, T) else ()
        return E("a", {"href": self.href(labels), "class": cls}, text)

    # -- appeal units --------------------------------------------------
    def appeal_parts(self, cat: str, want_heading: float, want_button: float, want_fine: float):
        kit = self.kit
        heading = kit.text("heading", cat, own_only=True) if self.rng.random() < want_heading else None
        button = kit.text("button", cat, generic=True) if self.rng.random() < want_button else None
        fine = kit.text("fine_print", cat, own_only=True) if self.rng.random() < want_fine else None
        return heading, button, fine

    def unit(self, body: T, where: str):
        """An appeal unit around a body text: heading + text + button/form + fine print."""
        rng, kit = self.rng, self.kit
        cat = body.labels[0] if body.labels else "donation"
        # when a block has two labels, the unit's parts are drawn from the first
        role = cat if cat in BEM else "donation"
        bare = where == "inline" and rng.random() < 0.22
        if bare:  # a paragraph or aside in the article body, no telling markup at all
            tag = rng.choice(["p", "p", "aside", "div"])
            kids = self.decorate(body)
            if tag == "p":
                return E("p", {"class": rng.choice([None, None, self.cls("para")])}, *kids)
            return E(tag, {}, E("p", {}, *kids))
        heading, button, fine = self.appeal_parts(cat, 0.55, 0.65, 0.45 if cat in ("newsletter", "paywall") else 0.25)
        inner = []
        if heading:
            inner.append(E(rng.choice(["h2", "h3", "h3", "h4", "h4", "div", "p"]), {"class": self.cls("unit_title", role)}, heading))
        if heading is None and len(body.text) <= 70 and rng.random() < 0.5:  # a short pitch set as a heading
            inner.append(E(rng.choice(["h2", "h3", "h4"]), {"class": self.cls("unit_title", role)}, body))
        else:
            inner.append(E(rng.choice(["p", "p", "div"]), {"class": self.cls("unit_text", role)}, *self.decorate(body)))
        if cat == "newsletter" and rng.random() < 0.6:
            inner.append(self.signup_form(cat, role, button, fine))
            button = fine = None
        elif cat == "donation" and where in ("inline", "end", "modal") and rng.random() < 0.15:
            inner.append(self.amount_picker(role))
        if cat == "newsletter" and rng.random() < 0.35:
            picker = self.newsletter_picker(role)
            if picker is not None:
                inner.append(picker)
        if cat == "adblock" and rng.random() < 0.5:
            steps = self.adblock_steps(role)
            if steps is not None:
                inner.append(steps)
        if cat == "paywall" and rng.random() < 0.5:
            login = kit.text("link", "paywall", generic=True)
            if login:
                inner.append(E("p", {"class": self.cls("unit_fine", role)}, self.link(login)))
        if button:
            if rng.random() < 0.3:
                inner.append(E("button", {"class": self.cls("cta"), "type": "button"}, button))
            else:
                inner.append(E("div", {"class": self.cls("unit_button", role)}, self.link(button, self.cls("cta"))))
        if where in ("modal", "sticky") and rng.random() < 0.5:
            dismiss = kit.text("button", cat, generic=True)
            if dismiss:
                inner.append(E("button", {"class": self.cls("cta2"), "type": "button"}, dismiss))
        if fine:
            inner.append(E(rng.choice(["p", "small", "div"]), {"class": self.cls("unit_fine", role)}, fine)
                         if rng.random() < 0.7 else E("p", {}, E("small", {}, fine)))
        attrs = {"class": self.cls(role)}
        if rng.random() < 0.3:
            attrs["id"] = rng.choice([f"{role}-unit", f"promo-{rng.randint(1, 99)}", "article-cta", f"slot-{rng.randint(100, 999)}"])
        if rng.random() < 0.25:
            attrs["data-tracking"] = rng.choice(["cta-inline", "mid-article", "engagement", "conversion"])
        wrapper_tag = rng.choice(["div", "div", "div", "section", "aside"])
        node = E(wrapper_tag, attrs, *inner)
        if rng.random() < 0.35:  # extra nesting, as component libraries produce
            node = E("div", {"class": self.cls("wrapper")}, E("div", {"class": rng.choice(["inner", "", "content", self.s._hash(5)])}, node))
        return node

    def _own_short(self, label: str, forms, limit: int):
        kit = self.kit
        b = kit._take(kit.own, lambda b: label in b["labels"] and b["form"] in forms and len(b["text"]) <= limit)
        return T(b["text"], b["labels"], b["form"], b["id"]) if b else None

    def newsletter_picker(self, role):
        """A newsletter catalogue: name (a check box label) + one-line description per entry."""
        rng = self.rng
        entries = []
        for _ in range(rng.randint(2, 5)):
            name = self._own_short("newsletter", ("heading",), 60)
            if name is None:
                break
            desc = self._own_short("newsletter", ("fine_print", "inline_box"), 160) if rng.random() < 0.7 else None
            kids = [E("label", {"class": self.cls("unit_label", role)}, E("input", {"type": "checkbox", "name": "lists"}), name)]
            if desc is not None:
                kids.append(E(rng.choice(["p", "div", "small"]), {}, desc))
            entries.append(E("li", {"class": rng.choice(["", "newsletter-list__item", "list-item"])}, *kids))
        if len(entries) < 2:
            return None
        return E("ul", {"class": rng.choice([self.cls("unit_form", role), "newsletter-list", ""])}, *entries)

    def adblock_steps(self, role):
        """Allow-list instructions as a numbered list."""
        steps = [t for t in (self._own_short("adblock", ("fine_print", "inline_box"), 220) for _ in range(self.rng.randint(2, 4))) if t]
        if len(steps) < 2:
            return None
        return E("ol", {"class": self.rng.choice(["steps", self.cls("unit_text", role), ""])}, *[E("li", {}, t) for t in steps])

    def signup_form(self, cat, role, button, fine):
        rng, kit = self.rng, self.kit
        label = kit.chrome_text(rng.choice(self.c["form_label"])) if rng.random() < 0.5 else None
        kids = []
        if label:
            kids.append(E("label", {"for": "nl-email", "class": self.cls("unit_label", role)}, T(label, (cat,), "fine_print")))
        kids.append(E("input", {"type": "email", "id": "nl-email", "name": "email", "placeholder": "name@example.com", "required": True}))
        if rng.random() < 0.2:
            kids.append(E("select", {"name": "freq"}, E("option", {}, "daily"), E("option", {}, "weekly")))
        if button is None:
            button = kit.text("button", cat, generic=True)
        if button and rng.random() < 0.25:  # <input type=submit>: the word is an attribute, not a block
            kids.append(E("input", {"type": "submit", "value": button.text, "class": self.cls("cta")}))
        elif button:
            kids.append(E("button", {"type": "submit", "class": self.cls("cta")}, button))
        if fine:
            if rng.random() < 0.4:
                kids.append(E("label", {"class": "consent"}, E("input", {"type": "checkbox", "required": True}), T(" "), fine))
            else:
                kids.append(E(rng.choice(["p", "small", "div"]), {"class": self.cls("unit_fine", role)}, fine))
        attrs = {"class": self.cls("unit_form", role), "action": rng.choice(["/newsletter/subscribe", "/api/signup", "#"]), "method": "post"}
        return E("form", attrs, *kids)

    def amount_picker(self, role):
        rng = self.rng
        amounts = [a for a in self.c["amounts"][:4]]
        rng.shuffle(amounts)
        kids = []
        for a in amounts[: rng.randint(2, 4)]:
            a = self.kit.chrome_text(a)
            if a:
                kids.append(E("label", {"class": "amount"}, E("input", {"type": "radio", "name": "amount"}), T(" " + a, ("donation",), "button")))
        return E("fieldset", {"class": self.cls("unit_form", role)}, *kids)

    # -- content pieces ------------------------------------------------
    def para(self, allow_pool=True) -> E | None:
        t = self.kit.text("paragraph", pool_ok=allow_pool)
        if t is None:
            return None
        return E("p", {"class": self.cls("para") if self.rng.random() < 0.5 else None}, *self.decorate(t))

    def nav(self, n, with_appeals=True):
        rng, kit = self.rng, self.kit
        items = []
        for _ in range(rng.randint(0, 3)):
            t = kit.text("nav", own_only=True)
            if t:
                items.append(t)
        items += [T(s) for s in self.chrome_list("sections", max(2, n - len(items)))]
        appeals = []
        if with_appeals and not self.negative:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                t = kit.text(("link", "button"), "*", generic=True)
                if t and len(t.text) < 40:
                    appeals.append(t)
        items += appeals
        style = rng.random()
        if style < 0.6:
            lis = [E("li", {"class": self.cls("nav_item")}, self.link(t, self.cta_cls(t) if t.labels and self.rng.random() < 0.5 else None))
                   for t in items]
            return E("nav", {"class": self.cls("nav"), "aria-label": "Main"}, E("ul", {"class": self.cls("nav_list")}, *lis))
        if style < 0.8:
            return E("nav", {"class": self.cls("nav")}, *[E("div", {"class": self.cls("nav_item")}, self.link(t)) for t in items])
        # all links folded into one block: only content allowed here, appeals get their own items
        plain = [t for t in items if not t.labels]
        kids = []
        for t in plain:
            kids += [self.link(t), " "]
        extra = [E("div", {"class": self.cls("actions")}, self.link(t, self.cta_cls(t))) for t in items if t.labels]
        return E("nav", {"class": self.cls("nav")}, E("div", {"class": self.cls("nav_list")}, *kids), *extra)

    def header_actions(self):
        """Log in / Subscribe / Donate buttons at the top right."""
        if self.negative:
            return None
        kids = []
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            t = self.kit.text(("button", "link"), "*", generic=True)
            if t and len(t.text) < 40:
                kids.append(E("div", {}, self.link(t, self.cta_cls(t))) if self.rng.random() < 0.75 else E("button", {"class": self.cta_cls(t)}, t))
        util = [E("div", {"class": self.cls("utility")}, self.link(T(s))) for s in self.chrome_list("utility", self.rng.randint(1, 2))]
        return E("div", {"class": self.cls("actions")}, *util, *kids) if (kids or util) else None

    def masthead(self):
        rng = self.rng
        logo = E("a", {"href": "/", "class": self.cls("logo"), "aria-label": self.pub["name"]},
                 E("svg", {"viewBox": "0 0 100 20"}, E("title", {}, self.pub["name"])))
        if rng.random() < 0.5:
            logo = E("a", {"href": "/", "class": self.cls("logo")}, self.pub["name"])
        kids = [E("div", {"class": self.cls("logo")}, logo)]
        if rng.random() < 0.4:
            kids.insert(0, E("div", {"class": self.cls("topbar")}, E("span", {}, self.kit.date()), " · ",
                             E("span", {}, self.weather())))
        return kids

    def weather(self) -> str:
        if self.pub.get("country") == "US":
            return f"{self.rng.randint(28, 88)}°F, partly cloudy"
        return self.c["weather"].replace("°F", "°C").format(t=self.rng.randint(-3, 31))

    def cookie_banner(self):
        rng = self.rng
        text = self.kit.chrome_text(rng.choice(self.c["cookie"]))
        if not text:
            return None
        btns = [E("button", {"class": self.cls("cookie_btn")}, b) for b in self.chrome_list("cookie_btn", rng.randint(1, 3))]
        attrs = {"class": self.cls("cookie"), "id": rng.choice(["cookie-consent", "cmp-banner", "consent", None])}
        if rng.random() < 0.5:
            attrs.update({"role": "dialog", "aria-label": "Cookie consent"})
        return E("div", attrs, E("p", {}, text), E("div", {}, *btns))

    def share_bar(self):
        rng, kit = self.rng, self.kit
        items = [kit.text("share") for _ in range(rng.randint(0, 2))]
        items = [t for t in items if t] + [T(s) for s in self.chrome_list("share", rng.randint(2, 5))]
        if rng.random() < 0.5:
            return E("div", {"class": self.cls("share")}, E("ul", {}, *[E("li", {"class": self.cls("share_item")}, self.link(t)) for t in items]))
        return E("div", {"class": self.cls("share")}, *[E("button", {"class": self.cls("share_item"), "type": "button"}, t) for t in items])

    def figure(self):
        kit, rng = self.kit, self.rng
        cap = kit.text("caption", own_only=rng.random() < 0.5) or None
        credit = self.c["photo"].format(name=kit.name())
        if cap is not None and re.search(r"©|\b(photo|foto|fot|фото)\b|:", cap.text, re.I):
            credit = ""  # the caption carries its own credit
        kids = [E("img", {"src": f"/media/{rng.randint(1000, 99999)}.jpg", "alt": ""})]
        if cap is not None:
            if not credit:
                kids.append(E("figcaption", {"class": self.cls("caption")}, cap))
            elif rng.random() < 0.5:
                kids.append(E("figcaption", {"class": self.cls("caption")}, cap, " ", E("span", {"class": "credit"}, credit)))
            else:
                kids.append(E("figcaption", {"class": self.cls("caption")}, E("p", {}, cap), E("p", {"class": "credit"}, credit)))
        elif rng.random() < 0.5:
            kids.append(E("figcaption", {"class": self.cls("caption")}, credit))
        return E("figure", {"class": self.cls("figure")}, *kids)

    def article_header(self, title: T | str):
        rng, kit = self.rng, self.kit
        kids = []
        if rng.random() < 0.6:
            kicker = kit.chrome_text(rng.choice(self.c["sections"]))
            if kicker:
                kids.append(E("div", {"class": self.cls("kicker")}, self.link(T(kicker))))
        kids.append(E("h1", {"class": self.cls("title")}, title))
        if rng.random() < 0.5:
            sub = kit.text("paragraph")
            if sub:
                kids.append(E("p", {"class": self.cls("standfirst")}, sub))
        byline = kit.text("byline") or T(self.c["by"].format(name=kit.name()))
        meta = [E("div", {"class": self.cls("byline")}, byline)]
        meta.append(E("div", {"class": self.cls("date")}, E("time", {"datetime": "2025-03-14T08:00"}, kit.date())))
        furn = kit.text("furniture", own_only=True) if rng.random() < 0.6 else None
        if furn:
            meta.append(E("div", {"class": rng.choice(["meta-extra", self.cls("meta"), ""])}, furn))
        if rng.random() < 0.4:
            meta.append(E("div", {}, self.c["minutes"].format(n=rng.randint(2, 14))))
        kids.append(E("div", {"class": self.cls("meta")}, *meta))
        return E("header", {"class": self.cls("art_header")}, *kids)

    def body_extras(self):
        """One non-paragraph content item for the article body."""
        rng, kit = self.rng, self.kit
        r = rng.random()
        if r < 0.2:
            t = kit.text("heading")
            return E(rng.choice(["h2", "h3"]), {"class": self.cls("subhead")}, t) if t else None
        if r < 0.35:
            t = kit.text("quote")
            return E("blockquote", {"class": self.cls("quote")}, E("p", {}, t)) if t else None
        if r < 0.5:
            items = [t for t in (kit.text("list_item") for _ in range(rng.randint(2, 4))) if t]
            return E(rng.choice(["ul", "ol"]), {"class": self.cls("list")}, *[E("li", {}, t) for t in items]) if items else None
        if r < 0.6:
            cells = [t for t in (kit.text("table_cell") for _ in range(rng.randint(2, 6))) if t]
            if not cells:
                return None
            rows = [E("tr", {}, *[E("td", {}, c) for c in cells[i:i + 2]]) for i in range(0, len(cells), 2)]
            return E("table", {"class": self.cls("table")}, *rows)
        if r < 0.75:
            t = kit.text("related")
            return E("p", {"class": self.cls("related_item")}, E("strong", {}, self.link(t))) if t else None
        if r < 0.85:
            label = kit.chrome_text(rng.choice([self.c["ad"], self.c["ad"], "Continue reading the main story" if self.lang == "en" else self.c["ad"]]))
            if not label:
                return None
            return E("div", {"class": self.cls("ad"), "aria-hidden": "true"}, E("div", {"class": "ad-label"}, label),
                     E("div", {"id": f"gpt-ad-{rng.randint(1, 40)}"}, E("script", {}, "googletag.cmd.push(function(){});")))
        if r < 0.92:
            return self.figure()
        return E("div", {"class": "embed", "hidden": True}, E("p", {}, "Loading…"))

    def related_list(self, n, title_key="related"):
        rng, kit = self.rng, self.kit
        head = kit.text("related") or kit.chrome_text(self.c[title_key] if title_key in self.c else self.c["related"])
        items = [t for t in (kit.text("heading") for _ in range(n)) if t]
        if not items:
            return None
        lis = []
        for t in items:
            if rng.random() < 0.3:
                lis.append(E("li", {"class": self.cls("related_item")}, E("a", {"href": self.href()}, E("h3", {}, t))))
            else:
                lis.append(E("li", {"class": self.cls("related_item")}, self.link(t)))
        kids = ([E("h2", {}, head)] if head else []) + [E("ul", {}, *lis)]
        return E("section", {"class": self.cls("related")}, *kids)

    def most_read(self, n):
        kit = self.kit
        head = kit.chrome_text(self.c["most_read"])
        items = [t for t in (kit.text("heading") for _ in range(n)) if t]
        if not items:
            return None
        return E("div", {"class": self.cls("most_read")}, *([E("h3", {}, head)] if head else []),
                 E("ol", {}, *[E("li", {}, self.link(t)) for t in items]))

    def comments_block(self):
        rng, kit = self.rng, self.kit
        t = kit.text("furniture", own_only=True) or T(self.c["comments"].format(n=rng.randint(0, 240)))
        return E("section", {"class": self.cls("comments"), "id": "comments"}, E("h2", {}, t),
                 E("div", {"class": "comments-embed", "data-thread": str(rng.randint(10 ** 5, 10 ** 6))}))

    def footer(self, n_links):
        rng, kit = self.rng, self.kit
        links = [T(s) for s in self.chrome_list("footer", n_links)]
        if not self.negative:
            for _ in range(rng.choice([0, 1, 1, 2])):
                t = kit.text("link", "*", generic=True)
                if t and len(t.text) < 45:
                    links.insert(rng.randint(0, len(links)), t)
        cols = []
        per = max(3, len(links) // rng.randint(1, 3))
        for i in range(0, len(links), per):
            cols.append(E("div", {"class": self.cls("footer_col")},
                          E("ul", {"class": self.cls("footer_links")}, *[E("li", {}, self.link(t)) for t in links[i:i + per]])))
        if not self.negative and rng.random() < 0.3:  # the sign-up box many sites keep in the footer
            t = kit.text(("inline_box", "end_pitch", "banner"), "newsletter", own_only=True)
            if t is not None:
                heading = kit.text("heading", "newsletter", own_only=True) if rng.random() < 0.5 else None
                kids = ([E(rng.choice(["h3", "h4", "p"]), {}, heading)] if heading else []) + \
                       [E("p", {}, t), self.signup_form("newsletter", "newsletter", None, kit.text("fine_print", "newsletter", own_only=True))]
                cols.append(E("div", {"class": self.cls("footer_col")}, E("div", {"class": self.cls("newsletter")}, *kids)))
        legal = kit.text("furniture", own_only=True)
        copy_line = self.c["copyright"].format(year=rng.choice([2025, 2026]), name=self.pub["name"])
        kids = cols + [E("div", {"class": self.cls("legal")}, E("p", {}, legal) if legal else None, E("p", {}, copy_line))]
        return E("footer", {"class": self.cls("footer")}, *kids)

    # -- skeleton ---------------------------------------------------------
    def head(self, title: str):
        rng = self.rng
        ld = json.dumps({"@context": "https://schema.org", "@type": rng.choice(["NewsArticle", "Article", "BlogPosting"]),
                         "headline": title[:110], "publisher": {"@type": "Organization", "name": self.pub["name"]},
                         "datePublished": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}, ensure_ascii=False)
        kids = [E("meta", {"charset": "utf-8"}), E("title", {}, f"{title[:80]} | {self.pub['name']}"),
                E("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
                E("link", {"rel": "canonical", "href": f"https://{self.pub['domain']}/{rng.randint(2020, 2026)}/{rng.randint(1, 99999)}"}),
                E("script", {"type": "application/ld+json"}, ld.replace("</", "<\\/"))]
        if rng.random() < 0.7:
            kids.append(E("style", {}, ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden}body{margin:0}"))
        if rng.random() < 0.6:
            kids.append(E("script", {}, "window.dataLayer=window.dataLayer||[];dataLayer.push({pageType:'article'});"))
        return E("head", {}, *kids)


def _pick_size(rng: random.Random, template: str) -> int:
    if template == "amp_minimal":
        return rng.randint(10, 40)
    r = rng.random()
    if r < 0.25:
        return rng.randint(10, 30)
    if r < 0.75:
        return rng.randint(30, 80)
    return rng.randint(80, 150)


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------
class Composer(Page):
    """Assembles a whole page for one of the TEMPLATES."""

    def title(self) -> T:
        for b in self.kit.own:
            if b["id"] == self.title_id and b["text"].casefold() not in self.kit.used_keys:
                self.kit.used_keys.add(b["text"].casefold())
                return T(b["text"], b["labels"], b["form"], b["id"])
        # the publisher's headlines went to its other pages: borrow one from the language
        b = self.kit._take(self.kit.pool, lambda b: b["form"] == "heading" and not b["labels"])
        t = T(b["text"], (), "heading", b["id"]) if b else self.kit.text("heading")
        return t or T(self.rng.choice(self.c["sections"]))

    # which appeal bodies this page shows, by slot
    def plan_appeals(self) -> dict[str, list[T]]:
        slots: dict[str, list[T]] = defaultdict(list)
        if self.negative:
            return slots
        rng, kit = self.rng, self.kit
        slot_of = {"banner": "banner", "inline_box": "inline", "end_pitch": "end", "sticky_footer": "sticky", "modal": "modal"}
        # the page's share of the publisher's bodies first; real pages show a few appeal units, not ten
        cap = rng.choice([1, 1, 1, 2, 2, 2, 3, 4])
        for b in kit.own:
            if b["labels"] and b["form"] in slot_of and b["text"].casefold() not in kit.used_keys:
                if b["id"] in kit.share_ids and sum(len(v) for v in slots.values()) < cap:
                    kit.used_keys.add(b["text"].casefold())
                    slots[slot_of[b["form"]]].append(T(b["text"], b["labels"], b["form"], b["id"]))
        # at least one in-article appeal on most pages
        if not slots["inline"] and rng.random() < 0.85:
            t = kit.text("inline_box", "*", own_only=True) or kit.text(("end_pitch", "modal", "banner"), "*", own_only=True) \
                or kit.text("inline_box", "*")
            if t:
                slots["inline"].append(t)
        if rng.random() < 0.3 and sum(len(v) for v in slots.values()) < cap:
            t = kit.text("inline_box", "*", own_only=True)
            if t:
                slots["inline"].append(t)
        # foreign-agent markers go to the top of the article, whatever their form
        for slot in list(slots):
            for t in list(slots[slot]):
                if "foreign_agent" in t.labels and t.form in ("banner", "inline_box") and rng.random() < 0.6:
                    slots[slot].remove(t)
                    slots["agent"].append(t)
        fa = kit.text(("fine_print", "heading"), "foreign_agent", own_only=True)
        if fa:
            slots["agent"].append(fa)
        return slots

    def agent_notice(self, t: T):
        rng = self.rng
        tag = rng.choice(["div", "p", "div", "aside"])
        attrs = {"class": self.cls("foreign_agent")}
        if rng.random() < 0.3:
            attrs["style"] = "text-transform:uppercase;font-size:12px"
        return E(tag, attrs, t) if tag == "p" else E(tag, attrs, E(rng.choice(["p", "span", "small"]), {}, t))

    def banner(self, t: T):
        rng = self.rng
        kids = [E("p", {"class": self.cls("unit_text", "banner")}, *self.decorate(t))] if rng.random() < 0.6 else [E("span", {}, t)]
        btn = self.kit.text(("button", "link"), t.labels[0], generic=True) if rng.random() < 0.6 else None
        if btn:
            kids.append(E("div", {}, self.link(btn, self.cta_cls(btn))))
        if kids and isinstance(kids[0], E) and kids[0].tag == "span":
            kids = [E("div", {"class": self.cls("unit_text", "banner")}, *kids[:1])] + kids[1:]
        attrs = {"class": self.cls("banner"), "role": rng.choice([None, "region", "banner"])}
        return E("div", attrs, *kids)

    def sticky(self, t: T):
        node = self.unit(t, "sticky")
        node.attrs["class"] = (node.attrs.get("class", "") + " " + self.cls("sticky")).strip()
        if self.rng.random() < 0.5:
            node.attrs["style"] = "position:fixed;bottom:0;left:0;right:0"
        return node

    def modal(self, t: T):
        rng = self.rng
        inner = self.unit(t, "modal")
        r = rng.random()
        close = E("button", {"class": "close", "aria-label": "Close", "type": "button"}, E("svg", {"viewBox": "0 0 10 10"}))
        if r < 0.35:
            return E("dialog", {"open": True, "class": self.cls("modal")}, close, inner)
        if r < 0.8:
            return E("div", {"class": self.cls("modal"), "role": "dialog", "aria-modal": "true"},
                     E("div", {"class": "backdrop"}), E("div", {"class": self.cls("wrapper")}, close, inner))
        return E("div", {"class": self.cls("modal"), "id": rng.choice(["overlay", "lightbox", "tp-modal", "popup"])}, close, inner)

    def article_body(self, n_par: int, inline: list[T], extras: int, body_role="body", plain_ok=True):
        rng = self.rng
        items = []
        for _ in range(n_par):
            p = self.para()
            if p is None:
                break
            items.append(p)
        for _ in range(extras):
            x = self.body_extras()
            if x is not None:
                items.insert(rng.randint(1, max(1, len(items))), x)
        for t in inline:
            pos = rng.randint(1, max(1, len(items) - 1)) if len(items) > 2 else len(items)
            items.insert(pos, self.unit(t, "inline"))
        attrs = {"class": self.cls(body_role)}
        if rng.random() < 0.3:
            attrs["itemprop"] = "articleBody"
        if rng.random() < GATED_BODY_SHARE:
            # Real CMSs name the container of a gated article after the gate
            # ("paywall", "meteredContent"): the article text inside is content.
            gate = rng.choice(GATED_BODY_CLASSES)
            if rng.random() < 0.5:
                attrs["class"] = (attrs["class"] + " " + gate).strip()
            else:
                return E("div", attrs, E("div", {"class": gate}, *items))
        return E("div", attrs, *items)

    def tags_line(self):
        rng, kit = self.rng, self.kit
        heads = [kit.chrome_text(rng.choice(self.c["sections"])) for _ in range(rng.randint(2, 4))]
        heads = [h for h in heads if h]
        if not heads:
            return None
        return E("div", {"class": self.cls("tags")}, E("span", {}, self.c["tags"] + ":"), " ",
                 *[x for h in heads for x in (self.link(T(h)), " ")])

    def tail(self, slots, allow_overlays=True):
        """End-of-page overlays: sticky footers, modals, the cookie banner, scripts."""
        rng = self.rng
        out = []
        for t in slots.get("sticky", []):
            out.append(self.sticky(t) if allow_overlays else self.unit(t, "end"))
        for t in slots.get("modal", []):
            out.append(self.modal(t) if allow_overlays else self.unit(t, "end"))
        if rng.random() < 0.55:
            cb = self.cookie_banner()
            if cb is not None:
                out.insert(rng.randint(0, len(out)), cb)
        out.append(E("script", {"src": f"/static/js/app.{self.s._hash(8)}.js", "defer": True}))
        if rng.random() < 0.5:
            out.append(E("script", {}, "(function(){var s=document.createElement('script');s.async=true;})();"))
        if rng.random() < 0.3:
            out.append(E("noscript", {}, E("img", {"src": "/pixel.gif", "alt": ""})))
        if rng.random() < 0.25:  # a hidden mobile menu, not a block
            out.append(E("div", {"class": "mobile-menu", "hidden": True}, E("ul", {}, E("li", {}, "Menu"))))
        return out

    def build(self) -> E:
        rng, kit, size, tpl = self.rng, self.kit, self.size, self.template
        slots = self.plan_appeals()
        title = self.title()
        n_par = max(2, int(size * rng.uniform(0.25, 0.45)))
        n_nav = max(3, min(18, size // 6 + rng.randint(0, 4)))
        n_footer = max(2, min(16, size // 8 + rng.randint(0, 3)))
        n_rel = max(2, min(10, size // 12 + rng.randint(0, 2)))
        extras = max(0, size // 12 + rng.randint(-1, 2))
        overlays = tpl != "amp_minimal"
        body: list = []
        if rng.random() < 0.4:
            body.append(E("a", {"class": "skip-link", "href": "#main"}, self.c["skip"]) if rng.random() < 0.5
                        else E("div", {"class": "skip"}, E("a", {"href": "#main"}, self.c["skip"])))
        for t in slots.get("banner", []):
            if tpl != "amp_minimal":
                body.append(self.banner(t))
            else:
                slots["inline"].append(t)
        agent = [self.agent_notice(t) for t in slots.get("agent", [])]
        end = [self.unit(t, "end") for t in slots.get("end", [])]
        getattr(self, "t_" + tpl)(body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras)
        body += self.tail(slots, overlays)
        root = E("html", {"lang": self.lang, "amp": True if tpl == "amp_minimal" else None}, self.head(title.text), E("body", {"class": rng.choice(["", "article-page", "single", "is-article"])}, *body))
        return root

    # -- the twelve skeletons ---------------------------------------------
    def _header(self, n_nav, ticker=False, topbar=True):
        kids = self.masthead() if topbar else self.masthead()[-1:]
        acts = self.header_actions()
        if acts is not None:
            kids.append(acts)
        kids.append(self.nav(n_nav))
        if ticker:
            heads = [t for t in (self.kit.text("heading") for _ in range(self.rng.randint(1, 3))) if t]
            if heads:
                kids.append(E("div", {"class": self.cls("ticker")}, E("span", {"class": "label"}, self.c["breaking"]),
                              E("ul", {}, *[E("li", {}, self.link(h)) for h in heads])))
        return E("header", {"class": self.cls("header"), "id": self.rng.choice([None, "masthead", "site-header"])}, *kids)

    def _article(self, title, slots, agent, end, n_par, extras, figure=True, share_top=True):
        kids = list(agent[:1]) + [self.article_header(title)] + list(agent[1:])
        if share_top and self.rng.random() < 0.5:
            kids.append(self.share_bar())
        if figure and self.rng.random() < 0.7:
            kids.append(self.figure())
        kids.append(self.article_body(n_par, slots.get("inline", []), extras))
        kids += end
        if self.rng.random() < 0.5:
            kids.append(self.tags_line())
        if self.rng.random() < 0.6:
            kids.append(self.share_bar())
        return E("article", {"class": self.cls("article"), "itemscope": True if self.rng.random() < 0.3 else None}, *kids)

    def _aside_units(self, n):
        """Sidebar appeal widgets (newsletter box, support box) on wide layouts."""
        out = []
        if self.negative:
            return out
        for _ in range(n if self.rng.random() < 0.5 else 0):
            t = self.kit.text(("inline_box", "end_pitch"), "*", own_only=True)
            if t:
                out.append(self.unit(t, "aside"))
        return out

    def t_national_daily(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng = self.rng
        body.append(self._header(n_nav, ticker=rng.random() < 0.6))
        art = self._article(title, slots, agent, end, n_par, extras)
        col = [art, self.related_list(n_rel), self.comments_block() if rng.random() < 0.5 else None]
        side = [self.most_read(rng.randint(3, 6))] + self._aside_units(rng.choice([0, 0, 1]))
        grid = E("div", {"class": self.cls("grid")}, E("div", {"class": self.cls("col")}, *col), E("aside", {"class": self.cls("aside")}, *side))
        body.append(E("main", {"class": self.cls("main"), "id": "main"}, E("div", {"class": self.cls("wrapper")}, grid)))
        body.append(self.footer(n_footer))

    def t_magazine_longread(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng = self.rng
        body.append(self._header(max(3, n_nav // 2), topbar=False))
        art = self._article(title, slots, agent, end, int(n_par * 1.3) + 2, extras + 2)
        bio = self.kit.text("paragraph", own_only=True)
        if bio and rng.random() < 0.5:
            art.kids.append(E("div", {"class": "author-bio"}, E("p", {}, bio)))
        body.append(E("main", {"id": "main"}, E("div", {"class": self.cls("wrapper")}, art), self.related_list(n_rel)))
        body.append(self.footer(n_footer))

    def t_local_news(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng = self.rng
        body.append(self._header(n_nav))
        art = self._article(title, slots, agent, end, n_par, extras)
        events = [t for t in (self.kit.text("list_item") for _ in range(rng.randint(0, 4))) if t]
        side = [self.most_read(rng.randint(3, 5))]
        if events:
            side.append(E("div", {"class": "events"}, E("ul", {}, *[E("li", {}, t) for t in events])))
        side += self._aside_units(rng.choice([0, 1]))
        body.append(E("div", {"class": self.cls("main"), "id": "main"},
                      E("div", {"class": self.cls("grid")}, E("div", {"class": self.cls("col")}, art, self.related_list(n_rel)),
                        E("div", {"class": self.cls("aside")}, *side))))
        body.append(self.footer(n_footer))

    def t_wordpress_blog(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit, c = self.rng, self.kit, self.c
        nav = self.nav(max(3, n_nav // 2))
        nav.attrs["class"] = "main-navigation"
        header = E("header", {"id": "masthead", "class": "site-header"},
                   E("div", {"class": "site-branding"}, E("p", {"class": "site-title"}, E("a", {"href": "/", "rel": "home"}, self.pub["name"]))), nav)
        entry_meta = E("div", {"class": "entry-meta"}, E("span", {"class": "posted-on"}, E("time", {}, kit.date())), " ",
                       E("span", {"class": "byline"}, kit.name()))
        content = self.article_body(n_par, slots.get("inline", []), extras)
        content.attrs["class"] = "entry-content"
        for k in content.kids:  # Gutenberg groups around appeal units
            if isinstance(k, E) and k.tag in ("div", "section", "aside") and rng.random() < 0.5:
                k.attrs["class"] = (k.attrs.get("class", "") + " wp-block-group").strip()
        cats = self.chrome_list("sections", 2)
        foot = E("footer", {"class": "entry-footer"}, E("span", {"class": "cat-links"}, c["posted"][0] + " ", *[self.link(T(x)) for x in cats[:1]]))
        post = E("article", {"class": f"post-{rng.randint(100, 9999)} post type-post status-publish hentry"},
                 *agent, E("header", {"class": "entry-header"}, E("h1", {"class": "entry-title"}, title), entry_meta), content, *end, foot)
        cf = c["comment_form"]
        form_kids = [E("p", {"class": "comment-form-comment"}, E("label", {"for": "comment"}, cf[4]), E("textarea", {"id": "comment"})),
                     E("p", {"class": "comment-form-author"}, E("label", {"for": "author"}, cf[1]), E("input", {"id": "author"})),
                     E("p", {"class": "comment-form-email"}, E("label", {"for": "email"}, cf[2]), E("input", {"id": "email"}))]
        if rng.random() < 0.5:
            form_kids.append(E("p", {"class": "comment-form-cookies-consent"}, E("input", {"type": "checkbox"}), E("label", {}, cf[6])))
        if rng.random() < 0.6:
            form_kids.append(E("p", {"class": "comment-subscription-form"}, E("input", {"type": "checkbox"}), E("label", {}, cf[7])))
        if not self.negative and rng.random() < 0.5:
            follow = kit.chrome_text(c["wp_follow"])
            if follow:
                form_kids.append(E("p", {"class": "comment-subscription-form"}, E("input", {"type": "checkbox"}), E("label", {}, T(follow, ("newsletter",), "fine_print"))))
        form_kids.append(E("p", {"class": "form-submit"}, E("input", {"type": "submit", "value": cf[5]})))
        comments = E("div", {"id": "comments", "class": "comments-area"},
                     E("div", {"id": "respond", "class": "comment-respond"}, E("h3", {"class": "comment-reply-title"}, cf[0]),
                       E("form", {"id": "commentform", "class": "comment-form", "method": "post"}, *form_kids)))
        widgets = [E("section", {"class": "widget widget_search"}, E("form", {"role": "search"}, E("input", {"type": "search"})))]
        recent = self.most_read(rng.randint(3, 5))
        if recent is not None:
            recent.attrs["class"] = "widget widget_recent_entries"
            widgets.append(recent)
        for u in self._aside_units(rng.choice([0, 1, 1])):
            u.attrs["class"] = ("widget " + u.attrs.get("class", "")).strip()
            widgets.append(u)
        primary = E("div", {"id": "primary", "class": "content-area"}, E("main", {"id": "main", "class": "site-main"}, post, comments))
        body.append(E("div", {"id": "page", "class": "site"}, header,
                      E("div", {"id": "content", "class": "site-content"}, primary, E("aside", {"id": "secondary", "class": "widget-area"}, *widgets)),
                      self.footer(max(2, n_footer // 2))))

    def t_ngo_site(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        header = self._header(n_nav, topbar=False)
        if not self.negative:
            donate = kit.text(("button", "link"), "donation")
            if donate:
                header.kids.insert(1, E("div", {"class": self.cls("actions")}, self.link(donate, self.cta_cls(donate))))
        body.append(header)
        hero = E("section", {"class": "hero"}, E("div", {"class": self.cls("wrapper")}, self.article_header(title)))
        inline = slots.get("inline", [])
        content = self.article_body(n_par, inline, extras)
        body.append(E("main", {"id": "main"}, *agent, hero, E("div", {"class": self.cls("wrapper")}, content, *end), self.related_list(n_rel)))
        body.append(self.footer(n_footer))

    def t_newsletter_post(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        top = [E("h1" if rng.random() < 0.3 else "div", {"class": self.cls("logo")}, E("a", {"href": "/"}, self.pub["name"]))]
        if not self.negative:
            for cat in ("newsletter", "paywall"):
                b = kit.text(("button", "link"), cat)
                if b:
                    top.append(E("div", {"class": self.cls("actions")}, self.link(b, self.cta_cls(b))))
        body.append(E("div", {"class": self.cls("header")}, E("div", {"class": "navbar"}, *top)))
        sub = kit.text("paragraph", own_only=True)
        head = [E("h1", {"class": "post-title"}, title)]
        if sub:
            head.append(E("h3", {"class": "subtitle"}, sub))
        head.append(E("div", {"class": "post-meta"}, E("div", {}, E("a", {"href": "/about"}, kit.name())), E("div", {}, kit.date())))
        counts = E("div", {"class": "post-ufi"}, E("button", {"class": "like-button"}, str(rng.randint(3, 900))),
                   E("a", {"class": "comment-button", "href": "#comments"}, str(rng.randint(0, 120))))
        content = self.article_body(n_par, slots.get("inline", []), extras // 2)
        content.attrs["class"] = "body markup"
        post = E("div", {"class": "post"}, *agent, E("div", {"class": "post-header"}, *head, counts), content, *end)
        body.append(E("div", {"class": "container"}, E("article", {"class": "typography newsletter-post post"}, post)))
        if rng.random() < 0.6:
            body.append(E("div", {"id": "discussion"}, E("h4", {}, self.c["comments"].format(n=rng.randint(1, 90)))))
        body.append(self.footer(max(2, n_footer // 3)))

    def t_exile_media(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        if agent and rng.random() < 0.5:  # marker above everything
            body.append(agent[0])
            agent = agent[1:]
        body.append(self._header(n_nav))
        if rng.random() < 0.5:
            m = kit.chrome_text(self.c["mirror"])
            if m:
                body.append(E("div", {"class": "mirror-note"}, E("p", {}, m)))
        art = self._article(title, slots, agent, end, n_par, extras)
        body.append(E("main", {"id": "main"}, E("div", {"class": self.cls("wrapper")}, art, self.related_list(n_rel))))
        body.append(self.footer(n_footer))

    def t_tabloid(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        body.append(self._header(min(22, n_nav + 6), ticker=True))
        trend = [t for t in (kit.text("heading") for _ in range(rng.randint(2, 5))) if t]
        if trend:
            label = kit.chrome_text(self.c["trending"]) or ""
            body.append(E("div", {"class": "trending"}, E("strong", {}, label), E("ul", {}, *[E("li", {}, self.link(t)) for t in trend])))
        art = self._article(title, slots, agent, end, n_par, extras + 3)
        side = [self.most_read(rng.randint(5, 10))] + self._aside_units(rng.choice([0, 1]))
        more = self.related_list(n_rel + 3)
        body.append(E("div", {"class": self.cls("main")}, E("div", {"class": self.cls("grid")},
                                                             E("div", {"class": self.cls("col")}, art, more),
                                                             E("div", {"class": self.cls("aside")}, *side))))
        body.append(self.footer(n_footer + 4))

    def t_public_broadcaster(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng = self.rng
        body.append(self._header(n_nav, topbar=False))
        listen = self.kit.chrome_text(self.c["listen"])
        art = self._article(title, slots, agent, end, n_par, extras)
        if listen:
            art.kids.insert(1, E("div", {"class": "audio-player"}, E("button", {"type": "button"}, listen)))
        body.append(E("div", {"id": "main", "role": "main"}, E("div", {"class": self.cls("wrapper")}, art),
                      self.related_list(n_rel), self.most_read(rng.randint(3, 5))))
        body.append(self.footer(n_footer))

    def t_amp_minimal(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        body.append(E("header", {"class": "amp-header"}, E("a", {"href": "/", "class": "amp-logo"}, self.pub["name"])))
        slots["inline"] = slots.get("inline", []) + slots.pop("sticky", []) + slots.pop("modal", [])
        kids = list(agent) + [E("h1", {"class": "amp-title"}, title),
                              E("div", {"class": "amp-byline"}, kit.text("byline") or self.c["by"].format(name=kit.name())),
                              E("amp-img", {"src": "/media/lead.jpg", "width": "1200", "height": "675", "layout": "responsive"})]
        content = self.article_body(n_par, slots.get("inline", []), extras // 2)
        content.attrs["class"] = "amp-body"
        kids += [content] + end
        body.append(E("article", {"class": "amp-article"}, *kids))
        body.append(E("amp-analytics", {"type": "gtag"}, E("script", {"type": "application/json"}, "{}")))
        body.append(E("footer", {"class": "amp-footer"}, E("p", {}, self.c["copyright"].format(year=2026, name=self.pub["name"]))))
        slots["inline"] = []

    def t_plus_paywall(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit = self.rng, self.kit
        body.append(self._header(n_nav, ticker=rng.random() < 0.3))
        teaser = [p for p in (self.para() for _ in range(rng.randint(1, 2))) if p]
        wall = []
        if not self.negative:
            text = kit.text(("inline_box", "modal", "banner", "end_pitch"), "paywall", own_only=True) or kit.text("inline_box", "paywall")
            if text:
                wall.append(self.unit(text, "wall"))
                wall_id = rng.choice(["paywall", "plus-wall", "offer-box", "regwall", None])
                if wall_id:
                    wall[-1].attrs["id"] = wall_id
        hidden = E("div", {"class": "paywalled-content", "hidden": True}, *[E("p", {}, "…") for _ in range(3)]) \
            if rng.random() < 0.5 else E("div", {"class": rng.choice(["paywall-fade", "blurred", "locked"]), "aria-hidden": "true"})
        art_kids = list(agent) + [self.article_header(title), self.figure()]
        art_kids.append(E("div", {"class": self.cls("body")}, *teaser, hidden))
        art_kids += wall
        # inline units planned for this page go under the wall (offers, newsletters)
        art_kids += [self.unit(t, "end") for t in slots.get("inline", [])[:1]] + end[:1]
        body.append(E("main", {"id": "main"}, E("article", {"class": self.cls("article")}, *art_kids), self.related_list(n_rel)))
        body.append(self.footer(n_footer))
        slots["inline"] = []

    def t_live_blog(self, body, title, slots, agent, end, n_par, n_nav, n_footer, n_rel, extras):
        rng, kit, c = self.rng, self.kit, self.c
        body.append(self._header(n_nav))
        head = [E("span", {"class": "live-badge"}, c["live"]), E("h1", {"class": self.cls("title")}, title)]
        keys = [t for t in (kit.text("heading") for _ in range(rng.randint(2, 4))) if t]
        summary = E("div", {"class": "key-events"}, E("h2", {}, c["key_events"]), E("ul", {}, *[E("li", {}, self.link(t)) for t in keys])) if keys else None
        posts = []
        n_posts = max(2, n_par // 2)
        inline = list(slots.get("inline", []))
        for i in range(n_posts):
            hh, mm = rng.randint(6, 23), rng.randint(0, 59)
            kids = [E("time", {"class": self.cls("live_time")}, f"{hh:02d}:{mm:02d}")]
            if i == 0 and rng.random() < 0.5:
                kids.insert(0, E("div", {"class": "pinned"}, c["pinned"]))
            if rng.random() < 0.5:
                h = kit.text("heading")
                if h:
                    kids.append(E("h2", {}, h))
            paras = [p for p in (self.para() for _ in range(rng.randint(1, 3))) if p]
            if not paras:
                break
            kids += paras
            posts.append(E("article", {"class": self.cls("live_post"), "id": f"post-{rng.randint(10 ** 5, 10 ** 6)}"}, *kids))
            if inline and rng.random() < 0.4:
                posts.append(self.unit(inline.pop(0), "inline"))
        posts += [self.unit(t, "inline") for t in inline]
        more = E("button", {"class": "load-more", "type": "button"}, c["load_more"])
        body.append(E("main", {"id": "main"}, *agent, E("div", {"class": "live-header"}, *head), summary,
                      E("div", {"class": "live-feed"}, *posts, more), *end))
        body.append(self.footer(n_footer))
        slots["inline"] = []


# ---------------------------------------------------------------------------
# Planning, validation, output
# ---------------------------------------------------------------------------
def choose_template(pub: dict, own: list[dict], rng: random.Random) -> str:
    table = dict(KIND_TEMPLATES.get(pub.get("kind"), KIND_TEMPLATES["independent"]))
    cats = Counter(lab for b in own for lab in b["labels"])
    if cats["paywall"] < 2:
        table.pop("plus_paywall", None)
    if pub["lang"] == "ru" and pub.get("kind") in ("independent", "national", "magazine"):
        table["exile_media"] = table.get("exile_media", 0) + 3
    if cats["foreign_agent"]:
        table["exile_media"] = table.get("exile_media", 0) + 2
    if not table:
        table = {"national_daily": 1}
    return weighted(rng, table)


def variant_template(primary: str, pub: dict, own: list[dict], rng: random.Random) -> str:
    """A publisher's later pages mostly share its skeleton; some are its AMP, live or Plus version."""
    r = rng.random()
    if r < 0.68:
        return primary
    cats = Counter(lab for b in own for lab in b["labels"])
    options = ["amp_minimal", "live_blog"]
    if cats["paywall"] >= 2 and pub.get("kind") in ("national", "regional", "local", "magazine", "trade"):
        options.append("plus_paywall")
    if pub.get("kind") in ("national", "regional", "public_broadcaster"):
        options.append("public_broadcaster" if pub.get("kind") == "public_broadcaster" else "national_daily")
    return rng.choice(options)


def plan_pages(corpus: Corpus, seed: int) -> list[dict]:
    """Which pages to build: publisher, template, style, share of blocks, negative or not."""
    pubs = sorted(corpus.publishers.values(), key=lambda p: p["id"])
    counts = {}
    for p in pubs:
        n = len(corpus.by_pub[p["id"]])
        counts[p["id"]] = 0 if n == 0 else 1 if n < 6 else 2 if n < 20 else 3 if n < 45 else 4
    # publishers without a single appeal of their own (hard-negative sites: tutorials, shops, advice)
    # get one page, and it is a negative page: borrowing other outlets' appeals would be unrealistic
    appeal_less = {p["id"] for p in pubs if corpus.by_pub[p["id"]] and not any(b["labels"] for b in corpus.by_pub[p["id"]])}
    for pid in appeal_less:
        counts[pid] = 1
    total = sum(counts.values())
    # keep the folder small: trim the publishers with the most pages first, never below one page
    # (from the language with the most pages, so small languages keep theirs)
    lang_pages = Counter()
    for p in pubs:
        lang_pages[p["lang"]] += counts[p["id"]]
    lang_of = {p["id"]: p["lang"] for p in pubs}
    while total > MAX_PAGES:
        pid = max(counts, key=lambda k: (counts[k], lang_pages[lang_of[k]], len(corpus.by_pub[k]), k))
        if counts[pid] <= 1:
            break
        counts[pid] -= 1
        lang_pages[lang_of[pid]] -= 1
        total -= 1
    target = max(MIN_PAGES + 30, total)
    order = sorted(pubs, key=lambda p: (-len(corpus.by_pub[p["id"]]), p["id"]))
    i = 0
    while total < target and order:
        p = order[i % len(order)]
        if 0 < counts[p["id"]] < 5:
            counts[p["id"]] += 1
            total += 1
        i += 1
        if i > 10 * len(order):
            break
    rng = random.Random(seed)
    # negative pages: about 10%, never a publisher's only or first page; prefer hard-negative-rich publishers
    candidates = [(p["id"], k) for p in pubs for k in range(1, counts[p["id"]]) if p["id"] not in appeal_less]
    hn = {p["id"]: sum(b["hard_negative"] is True for b in corpus.by_pub[p["id"]]) for p in pubs}
    rng.shuffle(candidates)
    candidates.sort(key=lambda c: -min(hn[c[0]], 6))
    n_neg = max(round(NEGATIVE_SHARE * total) - len(appeal_less), round(0.04 * total))
    negatives = set(candidates[: n_neg * 2])
    negatives = set(sorted(negatives, key=lambda c: page_rng(seed, "neg", *c).random())[:n_neg])
    negatives |= {(pid, 0) for pid in appeal_less}
    plans = []
    for p in pubs:
        prng = page_rng(seed, p["id"])
        own = list(corpus.by_pub[p["id"]])
        primary = choose_template(p, own, prng)
        style = weighted(prng, STYLES)
        if style == "local" and p["lang"] not in LOCAL:
            style = "bem"
        opaque = prng.random() < 0.2
        k = counts[p["id"]]
        kinds = ["neg" if (p["id"], j) in negatives else "pos" for j in range(k)]
        prng.shuffle(own)
        shares = [[] for _ in range(k)]
        pos_pages = [j for j in range(k) if kinds[j] == "pos"] or list(range(k))
        a = c = 0
        for b in own:
            if b["labels"]:
                shares[pos_pages[a % len(pos_pages)]].append(b)
                a += 1
            else:
                shares[c % k].append(b)
                c += 1
        heads = [b for b in own if b["form"] == "heading" and not b["labels"]]
        for j in range(k):
            template = primary if j == 0 else variant_template(primary, p, own, prng)
            title = heads[j] if j < len(heads) else None  # each page its own headline
            if title is not None and title not in shares[j]:
                shares[j].insert(0, title)
            plans.append({"pub": p, "n": j, "template": template, "style": style, "opaque": opaque,
                          "share": shares[j], "negative": kinds[j] == "neg", "title": title["id"] if title else None})
    return plans


def validate(markup: str, expected: list, appeal_keys: set[str]) -> None:
    """The page's own record of its blocks must be exactly what the segmenter produces."""
    got = [b.text for b in segment_html(markup)]
    want = [text for text, _, _ in expected]
    if got != want:
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                raise BuildError(f"block {i}: segmenter {g[:70]!r} != builder {w[:70]!r}")
        raise BuildError(f"segmenter gives {len(got)} blocks, builder {len(want)}")
    found = set(got)
    by_text = defaultdict(set)
    for text, labels, _ in expected:
        by_text[text].add(labels)
        if labels and text not in found:
            raise BuildError(f"labeled text not a block: {text[:70]!r}")
        if not labels and text.casefold() in appeal_keys:
            raise BuildError(f"content block is an appeal text of the corpus: {text[:70]!r}")
    for text, labs in by_text.items():
        if len(labs) > 1:
            raise BuildError(f"same text labeled two ways on one page: {text[:70]!r}")


RETRIES: Counter = Counter()  # why layouts were rejected, for the summary


def build_one(corpus: Corpus, plan: dict, seed: int):
    pub = plan["pub"]
    last = None
    for attempt in range(6):
        rng = page_rng(seed, pub["id"], plan["n"], attempt)
        size = _pick_size(rng, plan["template"])
        if attempt >= 3:
            size = min(size, 60)
        comp = Composer(corpus, pub, plan["template"], plan["style"], plan["opaque"], plan["share"], rng,
                        plan["negative"], size)
        comp.title_id = plan.get("title")
        try:
            root = comp.build()
            expected = expected_blocks(root)
            if not 10 <= len(expected) <= 150:
                raise BuildError(f"{len(expected)} blocks")
            if not plan["negative"] and not any(lab for _, lab, _ in expected):
                raise BuildError("no appeal on a page meant to have some")
            out = ["<!DOCTYPE html>\n"]
            render(root, out)
            markup = "".join(out) + "\n"
            validate(markup, expected, corpus.appeal_keys[pub["lang"]])
            return markup, expected, root
        except BuildError as exc:
            last = exc
            RETRIES[str(exc).split(":")[0]] += 1
    raise BuildError(f"{pub['id']} page {plan['n']}: {last}")


def dump_sidecar(sidecar: dict) -> str:
    """Readable and small: one line per appeal."""
    head = json.dumps({k: v for k, v in sidecar.items() if k != "appeals"}, ensure_ascii=False)[:-1]
    rows = ",\n".join("  " + json.dumps(a, ensure_ascii=False) for a in sidecar["appeals"])
    return head + ',\n "appeals": [' + ("\n" + rows + "\n " if rows else "") + "]}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build labeled HTML pages from the block corpus.",
                                 epilog="example: python training/build_pages.py")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--corpus", type=Path, default=HERE, help="folder with blocks/ and publishers/ (default: training/)")
    ap.add_argument("--out", type=Path, default=HERE / "pages")
    args = ap.parse_args(argv)

    corpus = Corpus(args.corpus)
    if not corpus.publishers or not corpus.blocks:
        print("error: no publishers or blocks found under", args.corpus, file=sys.stderr)
        return 2
    plans = plan_pages(corpus, args.seed)
    no_chrome = sorted({p["lang"] for p in corpus.publishers.values()} - set(CHROME))
    if no_chrome:
        print("warning: no site chrome written for", ", ".join(no_chrome), "- English chrome used", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in list(args.out.glob("*.html")) + list(args.out.glob("*.labels.json")):
        old.unlink()
    names: set[str] = set()
    index, failures = [], []
    used_ids: set[str] = set()
    stats = Counter()
    for i, plan in enumerate(plans, 1):
        pub = plan["pub"]
        try:
            markup, expected, _ = build_one(corpus, plan, args.seed)
        except BuildError as exc:
            failures.append(str(exc))
            continue
        title = next((t for t, _, _ in expected if len(t) > 20), pub["name"])
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S)
        if h1:
            title = html.unescape(re.sub(r"<[^>]+>", "", h1.group(1)))
        base = f"{pub['id']}--{slugify(title)}"
        name, k = base, 2
        while name in names:
            name, k = f"{base}-{k}", k + 1
        names.add(name)
        appeals = []
        for text, labels, runs in expected:
            if labels:
                srcs = sorted({r.src for r in runs if r.src})
                forms = sorted({r.form for r in runs if r.form})
                appeals.append({"text": text, "labels": list(labels), "form": forms[0] if forms else None,
                                "source": srcs[0] if len(srcs) == 1 else (srcs or None)})
            for r in runs:
                if r.src:
                    used_ids.add(r.src)
        sidecar = {"page": name, "publisher": pub["id"], "lang": pub["lang"], "template": plan["template"],
                   "style": plan["style"] + ("+opaque" if plan["opaque"] else ""), "negative": plan["negative"],
                   "n_blocks": len(expected), "appeals": appeals}
        (args.out / f"{name}.html").write_text(markup, encoding="utf-8")
        (args.out / f"{name}.labels.json").write_text(dump_sidecar(sidecar), encoding="utf-8")
        index.append({k: v for k, v in sidecar.items() if k != "appeals"} | {"n_appeals": len(appeals)})
        stats[(pub["lang"], plan["template"])] += 1
        if i % 100 == 0:
            print(f"  {i}/{len(plans)} pages", file=sys.stderr)
    with open(args.out / "index.jsonl", "w", encoding="utf-8") as fh:
        for row in index:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    covered = {r["publisher"] for r in index}
    missing = sorted(set(corpus.publishers) - covered)
    appeal_ids = {b["id"] for b in corpus.blocks if b["labels"]}
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"pages: {len(index)} ({sum(r['negative'] for r in index)} negative), publishers covered: "
          f"{len(covered)}/{len(corpus.publishers)}, blocks per page: "
          f"{min(r['n_blocks'] for r in index)}-{max(r['n_blocks'] for r in index)}, "
          f"appeal blocks of the corpus used: {len(appeal_ids & used_ids)}/{len(appeal_ids)}, "
          f"size: {size / 1e6:.1f} MB")
    langs = sorted({l for l, _ in stats})
    print(f"{'template':<20}" + "".join(f"{l:>6}" for l in langs) + f"{'total':>7}")
    for tpl in TEMPLATES:
        row = [stats[(l, tpl)] for l in langs]
        print(f"{tpl:<20}" + "".join(f"{n:>6}" for n in row) + f"{sum(row):>7}")
    if corpus.conflicts:
        print(f"note: {len(corpus.conflicts)} texts carry different labels in different corpus lines; not used",
              file=sys.stderr)
    if RETRIES:
        print("layouts rejected and redrawn:", dict(RETRIES.most_common()), file=sys.stderr)
    for f in failures:
        print("error: page not written:", f, file=sys.stderr)
    empty = [m for m in missing if not corpus.by_pub[m]]
    missing = [m for m in missing if corpus.by_pub[m]]
    if empty:
        print(f"warning: {len(empty)} publishers have no usable block in the corpus yet, so no page:",
              ", ".join(empty), file=sys.stderr)
    if missing:
        print("error: publishers without a page:", ", ".join(missing), file=sys.stderr)
    if len(index) < MIN_PAGES:
        print(f"error: only {len(index)} pages (want at least {MIN_PAGES})", file=sys.stderr)
    return 1 if (missing or len(index) < MIN_PAGES) else 0


if __name__ == "__main__":
    sys.exit(main())
