{% for r in results.results %}
- {{ r.plugin }} #{{ r.payload_id }}
{% endfor %}
