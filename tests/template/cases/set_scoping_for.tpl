{% set total = 0 %}
{% set last_plugin = 'none' %}
{% for r in results.results %}
{% set total = total + r.size %}
{% set last_plugin = r.plugin %}
inside: {{ total }} {{ last_plugin }}
{% endfor %}
after: {{ total }} {{ last_plugin }}
