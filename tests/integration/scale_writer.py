"""Run by test_scale_out.py in several processes at once: one party of a set of cases, through the web app (its
own app process, sharing only the database, Redis and the object store): reads the case list and each case
page, sends messages, and declares "no more evidence". Prints what succeeded as JSON."""
from __future__ import annotations

import json
import sys

from arbitration import create_app

username, numbers, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
app = create_app({"WTF_CSRF_ENABLED": False, "EMBEDDED_WORKER": False})
client = app.test_client()
assert client.post("/login", data={"username": username, "password": "bench-password"}).status_code == 302
sent: dict[str, int] = {n: 0 for n in numbers}
closed: list[str] = []
reads = 0
for r in range(rounds):
    assert client.get("/cases").status_code == 200
    reads += 1
    for number in numbers:
        assert client.get(f"/cases/{number}").status_code == 200
        reads += 1
        response = client.post(f"/cases/{number}/messages", data={"body": f"{username} 第{r}条", "audience": "all"})
        if response.status_code == 302:
            sent[number] += 1
        if r == rounds // 2:
            if client.post(f"/cases/{number}/no-more-evidence", data={"confirmed": "1"}).status_code == 302:
                closed.append(number)
print(json.dumps({"sent": sent, "closed": closed, "reads": reads}))
