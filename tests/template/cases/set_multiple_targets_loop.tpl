{% for r in results.results %}
{% set name = r.filename|default('payload-' ~ r.payload_id, true) %}
{% set kind = 'root' if not r.dispatcher else r.dispatcher|replace('extractor:', '') %}
{{ name }} ({{ kind }})
{% endfor %}
