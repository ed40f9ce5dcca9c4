{% if results.results %}
{% set r = results.results[0] %}
{{ r|length }} {{ r.keys()|length }} {{ 'scan' in r.keys() }} {{ 'missing' in r }}
{% endif %}
