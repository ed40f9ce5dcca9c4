{% if results.errors is defined and results.errors %}
{{ results.errors|length }} error(s):
{% for e in results.errors %}
  {{ loop.index }}) {{ e|replace(':', ' ->', 1) }}
{% endfor %}
{% else %}
no errors
{% endif %}
