#!/usr/bin/python3
"""Writes breast_cancer.csv from scikit-learn's bundled copy of the UCI
Breast Cancer Wisconsin (Diagnostic) data set (N=569, D=30).

Run once with Debian's /usr/bin/python3 (python3-sklearn 1.2.1). Columns:
the 30 raw features (names as scikit-learn gives them, spaces replaced by
underscores) and `target` (1 = benign, 0 = malignant). Models standardize
the columns themselves.
"""
import csv
from sklearn.datasets import load_breast_cancer

d = load_breast_cancer()
names = [n.replace(" ", "_") for n in d.feature_names]
with open("breast_cancer.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(names + ["target"])
    for row, y in zip(d.data, d.target):
        w.writerow([repr(float(x)) for x in row] + [int(y)])
