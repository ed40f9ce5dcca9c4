{% for r in results.results %}
{% if r.scan is mapping %}
{{ r.payload_id }}: {% for key in r.scan %}{{ key }} {% endfor %}

{% endif %}
{% endfor %}
