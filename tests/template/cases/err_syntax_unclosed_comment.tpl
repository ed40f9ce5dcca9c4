{# this comment never ends
{{ results.tlp }}
