"""Appeal Detector: find donation, paywall, newsletter, ad-blocker and foreign-agent appeals in news pages."""

__version__ = "0.1.0"
