"""The record room: what a session sent and received, and what can be done with it afterwards.

* :mod:`kit.record.entry` — one exchange: the record made as it is sent and the redacted Entry it becomes;
* :mod:`kit.record.journal` — a session's bounded journal of entries, as a table;
* :mod:`kit.record.export` — HAR 1.2 out and in, curl lines with secrets as env vars;
* :mod:`kit.record.har_input` — a HAR file someone else wrote, checked field by field;
* :mod:`kit.record.changes` — what changed between a recorded answer and a replayed one;
* :mod:`kit.record.replay` — a recorded investigation sent again to a target.
"""
