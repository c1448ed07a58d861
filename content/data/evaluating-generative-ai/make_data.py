"""Generate graded_outputs.csv: a simulated evaluation of a support-reply assistant.

Run from this folder with: python make_data.py   (numpy 2.2.6; output is deterministic)
The rows are simulated, not real customer data; see README.md for what each column means.
"""
import csv

import numpy as np

rng = np.random.default_rng(20261130)
topics = ["billing", "delivery", "returns", "account", "other"]
rows = []
for i in range(1, 201):
    topic = topics[rng.choice(5, p=[0.3, 0.25, 0.2, 0.15, 0.1])]
    words = int(np.clip(rng.normal(95, 40), 25, 260))
    # human verdict on the new prompt's answer (rubric: correct, grounded, complete, polite)
    p_pass = {"billing": 0.72, "delivery": 0.82, "returns": 0.78, "account": 0.6, "other": 0.7}[topic]
    human_pass = int(rng.random() < p_pass)
    # LLM judge: agrees with the human most of the time, but is lenient on long answers
    if human_pass:
        judge_pass = int(rng.random() < 0.93)
    else:
        lenient = 0.55 if words > 110 else 0.15
        judge_pass = int(rng.random() < lenient)
    # pairwise: human compares old-prompt and new-prompt answers for the same case
    u = rng.random()
    human_pref = "new" if u < 0.50 else ("old" if u < 0.84 else "tie")
    # judge shown (old, new) and then (new, old); it leans towards whichever is shown first
    def judge(first, second):
        if human_pref == "tie":
            return first if rng.random() < 0.6 else second
        truth = human_pref
        if rng.random() < 0.72:
            return truth
        return first
    judge_old_first = judge("old", "new")
    judge_new_first = judge("new", "old")
    rows.append([f"C{i:03d}", topic, words, human_pass, judge_pass, human_pref,
                 judge_old_first, judge_new_first])

with open("graded_outputs.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["case_id", "topic", "answer_words", "human_pass", "judge_pass",
                "human_pref", "judge_pref_old_first", "judge_pref_new_first"])
    w.writerows(rows)
