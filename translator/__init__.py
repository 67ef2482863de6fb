"""TF <-> PyTorch source translator (static: never imports either framework)."""
from .api import Diagnostic, Translation, TranslationInputError, translate

__all__ = ["Diagnostic", "Translation", "TranslationInputError", "translate"]
