"""Resources (issue #14, point 7): mentors and coordinators share a link, a note or a document with a
group or a whole programme; everyone it was shared with sees it under /resources, and mentees mark
one useful.

`rules` holds who sees and changes what (asking `mentoring.access`) and the rows; `screens` the
conversation; `buttons` the button table. docs/resources.md describes the flows.
"""
