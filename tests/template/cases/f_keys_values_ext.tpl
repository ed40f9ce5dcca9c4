{{ results.plugins|default({})|keys }} {{ results.plugins|default({})|values }}
{{ results|keys|join(', ') }}
{% for r in results.results if r.scan is mapping %}
{{ r.plugin }}: {{ r.scan|keys|length }} keys, first={{ (r.scan|keys)[0] }}
{% endfor %}
