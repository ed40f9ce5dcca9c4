{% for r in results.results %}
{{ r.payload_id }}{% if r.filename %} ({{ r.filename }}){% endif %}: {{ r.plugin }}
{% endfor %}
