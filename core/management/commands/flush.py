"""Django's ``flush`` (empty every table), allowed to empty the log tables too: their
triggers refuse DELETE and TRUNCATE otherwise. Tests that use transactional_db flush
the database between tests with this command."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from core.audit import audit_purge_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with audit_purge_allowed(options["database"]):
            super().handle(**options)
