"""System checks of the provider settings (filled in by the providers work)."""
