"""The record room: what a session sent and received.

* :mod:`kit.record.entry` — one exchange: the record made as it is sent and the redacted Entry it becomes;
* :mod:`kit.record.journal` — a session's bounded journal of entries, as a table.

What is done with a record afterwards (HAR files, curl lines, replay) is :mod:`kit.har`, a floor above the session.
"""
