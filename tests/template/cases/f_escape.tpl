{{ '<a href="x">Tom & Jerry\'s</a>'|escape }} {{ '<b>'|e }} {{ 42|e }} {{ none|e }}
{% for r in results.results %}
{{ r.filename|e }}
{% endfor %}
{{ ('<x>'|e) ~ '<y>' }} {{ ('<x>'|e)|length }} {{ ('<x>'|e)|upper }}
