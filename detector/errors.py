"""The library's named exceptions. The CLI and the service map them to one readable line."""


class DetectorError(Exception):
    """Base class: the message says what was wrong and what to do."""


class InvalidInput(DetectorError):
    """The input (a file, a request, a page) cannot be used."""


class ModelNotFound(DetectorError):
    """No model file where one was expected."""


class ModelIncompatible(DetectorError):
    """The model was built by another version of the package or of scikit-learn."""


class ModelTampered(DetectorError):
    """The model file does not match the sha256 recorded in its sidecar."""


class CorpusError(DetectorError):
    """The training corpus is missing or malformed."""


class CorpusChanged(CorpusError):
    """The corpus files changed while a model was being trained on them."""


class FeedbackError(DetectorError):
    """The feedback store cannot take or give a correction."""
