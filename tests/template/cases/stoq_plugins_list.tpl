{% set plugins = results.plugins|default({}) %}
{{ plugins|length }} plugin(s):
{% for id, name in plugins|dictsort %}
  {{ id }}. {{ name }}
{% endfor %}
used: {{ results.results|map(attribute='plugin')|unique|sort|join(', ') or 'none' }}
