"""Generate the invented one-day order extract used by the data-pipelines-storage module.

Run from this folder: python make_data.py  (numpy and pandas; fixed seed). The file imitates a
nightly CSV export from a small shop's order system, with a handful of planted problems so
that every check in the module's exercise has something to find. No real data.
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(2611)
n = 46
orders = pd.DataFrame({
    "order_id": np.arange(70001, 70001 + n).astype(str),
    "customer_id": [f"C{int(x):05d}" for x in rng.integers(1, 4000, n)],
    "order_date": "2026-11-02",
    "delivery_date": [f"2026-11-{int(d):02d}" for d in rng.integers(3, 9, n)],
    "status": rng.choice(["open", "paid", "cancelled", "refunded"], n, p=[0.2, 0.65, 0.1, 0.05]),
    "total": [f"{x:.2f}" for x in rng.gamma(2.0, 30.0, n)],
    "promo_code": np.where(rng.random(n) < 0.3, "WINTER10", ""),
})
# Planted problems, one of each kind.
orders.loc[5, "order_id"] = ""                    # missing key
orders.loc[11, "status"] = "shipped"              # value outside the allowed list
orders.loc[17, "total"] = "-24.00"                # negative amount
orders.loc[23, "total"] = "12,50"                 # decimal comma: not a number
orders.loc[29, "delivery_date"] = "2026-10-30"    # delivered before it was ordered
orders.loc[40, "order_id"] = orders.loc[39, "order_id"]   # duplicate key
orders.loc[44, "order_id"] = orders.loc[43, "order_id"]   # and another
orders.to_csv("orders-2026-11-02.csv", index=False)
