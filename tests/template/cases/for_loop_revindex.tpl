{% for r in results.results %}
{{ loop.revindex }} {{ loop.revindex0 }} {{ r.payload_id }}
{% endfor %}
