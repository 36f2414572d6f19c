#!/usr/bin/python3
"""TF-IDF word 1-2 grams + LinearSVC with every class probability, a child of bench/route_triage.

    route_triage_svm.py TRAIN.csv TEST.csv OUT.jsonl

The model and features are those of bench/baselines/tfidf_svm.py (plain mode: LinearSVC(), C=1; probabilities =
softmax of decision_function), whose reader and softmax are reused; route_triage needs all class probabilities,
not only the top one, to score P1 at an operating point. Writes one JSON object per test row: {"label": top,
"p": {label: probability}} and prints one JSON line with train_seconds and predict_seconds.
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / 'baselines'))
from tfidf_svm import read, softmax_rows  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    train_path, test_path, out_path = sys.argv[1:]
    x_train, y_train = read(train_path)
    x_test, _ = read(test_path)
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    model = LinearSVC()
    model.fit(vec.fit_transform(x_train), y_train)
    train_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = model.decision_function(vec.transform(x_test))
    if scores.ndim == 1:
        scores = np.column_stack([-scores, scores])
    probs = softmax_rows(scores)
    predict_seconds = time.perf_counter() - t0
    with open(out_path, 'w', encoding='utf-8') as f:
        for row in probs:
            top = int(row.argmax())
            f.write(json.dumps({'label': str(model.classes_[top]),
                                'p': {str(c): float(v) for c, v in zip(model.classes_, row)}}) + '\n')
    print(json.dumps({'train_seconds': train_seconds, 'predict_seconds': predict_seconds}))


if __name__ == '__main__':
    main()
