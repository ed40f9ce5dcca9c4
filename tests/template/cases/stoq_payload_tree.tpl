{% for r in results.results %}
{{ '  ' * (r.uuid|length - 1) }}{{ '└─ ' if r.uuid|length > 1 else '' }}{{ r.filename|default('?', true) }} [{{ r.plugin }}]
{% endfor %}
