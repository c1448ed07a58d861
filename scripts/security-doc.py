#!/usr/bin/env python3
"""Assembles docs/security.md from its parts: the introduction (docs/security-notes/_head.md),
then one section per area (docs/security-notes/<area>.md, headings demoted one level), then
what is out of scope (docs/security-notes/_tail.md). Run after editing any part."""
import glob
import os

root = os.path.join(os.path.dirname(__file__), "..", "docs")
notes = os.path.join(root, "security-notes")
out = [open(os.path.join(notes, "_head.md")).read().rstrip() + "\n"]
titles = {
    "sec-a": "Anti-automation: throttling, hashing cost, passwords, names, quiz attempts",
    "sec-b": "Redirects, transport, browser headers, sanitizer, dependencies",
    "sec-c": "Audit log, invitations, setup tokens, privacy floor, retention",
    "sec-d": "Account self-service: sessions, export, erasure, password reset",
}
for path in sorted(glob.glob(os.path.join(notes, "sec-*.md"))):
    area = os.path.basename(path)[:-3]
    lines = open(path).read().rstrip().split("\n")
    body = []
    for line in lines[1:]:
        body.append("#" + line if line.startswith("#") else line)
    out.append(f"## {titles.get(area, area)}\n" + "\n".join(body).rstrip() + "\n")
out.append(open(os.path.join(notes, "_tail.md")).read().rstrip() + "\n")
open(os.path.join(root, "security.md"), "w").write("\n".join(out))
