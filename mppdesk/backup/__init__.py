"""Backups: an encrypted archive of the database (``mppdesk backup`` / ``restore``) and a
passphrase-protected file of the keys (``mppdesk keys export`` / ``import``).

See docs/backup.md."""
