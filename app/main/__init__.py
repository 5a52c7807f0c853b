"""Home page, language switch, health check and vendored assets."""
