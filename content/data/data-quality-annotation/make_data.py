"""Generate the two small, invented ticket files used by the data-quality-annotation module.

Run from this folder: python make_data.py  (numpy and pandas; fixed seed, so the files are
reproducible). Nothing here is real customer data.
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(20261130)

# ---------------------------------------------------------------- tickets.csv
# 300 historical tickets, June to November 2026, with three planted problems:
# - from September the web form stops recording the channel (a system change);
# - from October the share of "urgent" jumps (a new triage rule, not angrier customers);
# - some tickets were imported twice (duplicate bodies under a new id).
TEMPLATES = {
    "billing": ["I was charged twice for invoice {n}", "Why is bill {n} higher this month",
                "Please change the payment date on account {n}", "Direct debit failed for account {n}"],
    "delivery": ["Parcel {n} has not arrived", "Courier left order {n} at the wrong address",
                 "When will order {n} be delivered", "Tracking for {n} has not moved"],
    "refund": ["I returned order {n} and want my money back", "Refund for {n} still missing",
               "Please refund the damaged item in {n}"],
    "urgent": ["Boiler broken, elderly tenant, order {n}", "Gas smell reported at address {n}",
               "No heating since yesterday, order {n}"],
    "other": ["How do I update the email on account {n}", "Do you sell gift cards, customer {n} asks",
              "Opening hours question from customer {n}"],
}
months = pd.period_range("2026-06", "2026-11", freq="M")
rows = []
tid = 1000
for m in months:
    share_urgent = 0.08 if m < pd.Period("2026-10", "M") else 0.20
    probs = np.array([0.28, 0.30, 0.16, share_urgent, 0.0])
    probs[4] = 1 - probs.sum()
    for _ in range(50):
        cat = rng.choice(list(TEMPLATES), p=probs)
        body = rng.choice(TEMPLATES[cat]).format(n=rng.integers(10000, 99999))
        day = int(rng.integers(1, 28))
        channel = rng.choice(["email", "web", "phone"], p=[0.4, 0.45, 0.15])
        if m >= pd.Period("2026-09", "M") and channel == "web":
            channel = None
        rows.append({"ticket_id": tid, "created_at": f"{m}-{day:02d}", "channel": channel,
                     "body": body, "category": cat})
        tid += 1
tickets = pd.DataFrame(rows)
dupes = tickets.sample(n=12, random_state=7).copy()
dupes["ticket_id"] = range(tid, tid + len(dupes))
tickets = pd.concat([tickets, dupes]).sort_values("created_at", kind="stable")
tickets.to_csv("tickets.csv", index=False)

# ---------------------------------------------------------- double-labels.csv
# 200 tickets labelled independently by two annotators with the same guide. Most labels agree;
# the planted disagreement is the borderline case "a complaint that also asks for a refund",
# which annotator A files as refund and annotator B as complaint, plus a little random noise.
LABELS = ["billing", "delivery", "refund", "complaint", "other"]
true = rng.choice(LABELS, size=200, p=[0.25, 0.30, 0.17, 0.18, 0.10])
borderline = rng.random(200) < 0.35
a, b = [], []
for t, bl in zip(true, borderline):
    la, lb = t, t
    if t in ("refund", "complaint") and bl:
        la, lb = "refund", "complaint"
    if rng.random() < 0.06:
        la = rng.choice(LABELS)
    if rng.random() < 0.06:
        lb = rng.choice(LABELS)
    a.append(la)
    b.append(lb)
pd.DataFrame({"ticket_id": range(5000, 5200), "label_a": a, "label_b": b}).to_csv(
    "double-labels.csv", index=False)
