{% for r in results.results %}
{{ r.plugin }}
{% else %}
no results at all
{% endfor %}
{% for e in results.errors %}
error: {{ e }}
{% else %}
no errors
{% endfor %}
