"""Real-browser tests (Playwright + Debian Chromium), marked ``browser``."""
