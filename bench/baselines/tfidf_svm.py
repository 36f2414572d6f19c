#!/usr/bin/python3
"""TF-IDF word 1-2 grams + LinearSVC baseline, run as a child of bench/classify_vs_baselines.

    tfidf_svm.py TRAIN.csv TEST.csv OUT.tsv {plain,calibrated}

TRAIN/TEST are CSV files with columns text,label (as written by ../shared/data/split.py).
  plain       LinearSVC() (C=1); confidence = softmax of decision_function over the classes.
  calibrated  CalibratedClassifierCV(LinearSVC(), cv=3); confidence = its top class probability.
Both use TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2); nothing else is tuned.

Writes OUT.tsv (one line per test row: predicted label TAB confidence) and prints one JSON line:
train_seconds (vectorizer fit + model fit), predict_seconds (transform + predict of the test set),
model_bytes (len of pickle.dumps((vectorizer, model)))), n_train, n_test.
"""
import csv
import json
import pickle
import sys
import time

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC


def read(path):
    csv.field_size_limit(10**9)
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    # Labels as an array: CalibratedClassifierCV (sklearn 1.2) counts class members with y == class_, which is
    # always False on a plain list and makes it refuse cv=3.
    return [r['text'] for r in rows], np.array([r['label'] for r in rows], dtype=object)


def softmax_rows(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ('plain', 'calibrated'):
        sys.exit(__doc__)
    train_path, test_path, out_path, mode = sys.argv[1:]
    x_train, y_train = read(train_path)
    x_test, _ = read(test_path)

    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    xt = vec.fit_transform(x_train)
    model = LinearSVC() if mode == 'plain' else CalibratedClassifierCV(LinearSVC(), cv=3)
    model.fit(xt, y_train)
    train_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    xs = vec.transform(x_test)
    if mode == 'plain':
        scores = model.decision_function(xs)
        if scores.ndim == 1:  # two classes: one column for classes_[1]
            scores = np.column_stack([-scores, scores])
        probs = softmax_rows(scores)
    else:
        probs = model.predict_proba(xs)
    top = probs.argmax(axis=1)
    predicted = model.classes_[top]
    confidence = probs[np.arange(len(top)), top]
    predict_seconds = time.perf_counter() - t0

    model_bytes = len(pickle.dumps((vec, model), protocol=pickle.HIGHEST_PROTOCOL))
    with open(out_path, 'w', encoding='utf-8') as f:
        for label, conf in zip(predicted, confidence):
            f.write(f'{label}\t{conf:.9g}\n')
    print(json.dumps({'mode': mode, 'train_seconds': train_seconds, 'predict_seconds': predict_seconds,
                      'model_bytes': model_bytes, 'n_train': len(x_train), 'n_test': len(x_test)}))


if __name__ == '__main__':
    main()
