"""Rights in chat: objecting to an automated flag or asking for a correction (issue #15, KVKK art. 11).

`rules` finds the digest's flags about a person (results of automated analysis,
art. 11(g)), stores a request (`objections`, due in 30 days, art. 13), tells the
programme's coordinators through the outbox, lists the open requests for their
/report and stores their answer; both ends go to the audit log. `screens` holds
the conversation (from /mydata: pick a flag or "something else", write a short
text; a coordinator's "Answer" and their text), `buttons` its button table.
"""
