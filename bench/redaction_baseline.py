"""The plain baseline of bench/redaction: one Python `re` pattern per type, no validators, no
context, no names; the kind of redactor a team writes in an afternoon. Imported by bench/redaction.
"""
import re

PATTERNS = [
    ('secret', r'-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----'
               r'|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_\w{22,}'
               r'|\bxox[abprs]-[A-Za-z0-9-]{10,}|\beyJ[\w-]+\.[\w-]+\.[\w-]*|\bsk_live_\w{16,}'
               r'|\bglpat-[\w-]{20,}|\bAIza[\w-]{35}'),
    ('url_credential', r'\b[a-z]+://[^\s/:@]+:[^\s/@]+@[^\s]+'
                       r'|\bhttps?://[^\s]+[?&#](?:token|access_token|api_key|key|sig|signature'
                       r'|X-Amz-Signature)=[^\s]+'),
    ('email', r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+'),
    ('iban', r'\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b'),
    ('mac', r'\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b'),
    ('ipv6', r'\b(?:[0-9a-fA-F]{1,4}:){2,7}:?[0-9a-fA-F]{0,4}\b'),
    ('ipv4', r'\b(?:\d{1,3}\.){3}\d{1,3}\b'),
    ('ssn', r'\b\d{3}-\d{2}-\d{4}\b'),
    ('card', r'\b(?:\d[ -]?){12,18}\d\b'),
    ('phone', r'\+?\(?\d[\d ().-]{7,}\d'),
    ('password', r'(?i)(?:password|passwd|pwd|passwort|kennwort|mot de passe|contraseña)\s*[:=]\s*(\S+)'),
]
COMPILED = [(t, re.compile(p)) for t, p in PATTERNS]


def find(text):
    """Spans as (type, start, end) in character offsets, earliest-longest first, no overlaps."""
    found = []
    for rank, (kind, rx) in enumerate(COMPILED):  # ties go to the pattern listed first
        for m in rx.finditer(text):
            if m.lastindex:
                found.append((m.start(1), -(m.end(1)), rank, kind))
            else:
                found.append((m.start(), -m.end(), rank, kind))
    found.sort()
    out, end = [], -1
    for start, neg_end, _, kind in found:
        if start >= end:
            out.append((kind, start, -neg_end))
            end = -neg_end
    return out
