"""What is done with a record afterwards, above the session and the registry.

* :mod:`kit.har.export` — HAR 1.2 out and in, curl lines with secrets as env vars;
* :mod:`kit.har.read` — a HAR file someone else wrote, checked field by field;
* :mod:`kit.har.changes` — what changed between a recorded answer and a replayed one;
* :mod:`kit.har.replay` — a recorded investigation sent again to a target.
"""
