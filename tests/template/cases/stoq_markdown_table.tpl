| # | Plugin | File | Size |
|---|--------|------|-----:|
{% for r in results.results|sort(attribute='payload_id') %}
| {{ loop.index }} | {{ r.plugin }} | {{ r.filename|default('', true)|replace('|', '\\|') or '_unnamed_' }} | {{ r.size }} |
{% endfor %}
