{% for r in results.results %}
{% for u in r.uuid %}
{{ loop.length }}:{{ loop.index }}:{{ u[:8] }}{% if loop.last %} last of {{ r.payload_id }}{% endif %}

{% endfor %}
{% endfor %}
