"""PDF renderers for hearings: the printed notice and the in absentia evidence packet.

They take plain dataclasses (``NoticeData``; ``hearings.evidence.EvidencePacket``), never
models, so they render and are tested without a database.
"""

from mppdesk.hearings.pdf.evidence import build_evidence_zip, render_evidence_packet
from mppdesk.hearings.pdf.notice import NoticeData, render_notice

__all__ = ["NoticeData", "build_evidence_zip", "render_evidence_packet", "render_notice"]
