{% for r in results.results %}
{% if r.scan is mapping %}
{{ r.plugin }}: mapping with {{ r.scan|length }} keys
{% elif r.scan is sequence and r.scan is not string %}
{{ r.plugin }}: sequence of {{ r.scan|length }}
{% else %}
{{ r.plugin }}: other
{% endif %}
{% endfor %}
