"""Django's PostgreSQL backend with prepared statements that cannot outgrow the protocol
(``base.DatabaseWrapper``); ``settings`` names it when ``MPPDESK_PG_PREPARE_THRESHOLD``
is not ``off``."""
