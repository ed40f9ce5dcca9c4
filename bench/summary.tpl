{# A human summary of a stoQ results document. #}
stoQ results ({{ results.payloads }} payload{{ 's' if results.payloads != 1 }}, tlp {{ results.tlp|upper }})
{% for r in results.results %}
== {{ loop.index }}/{{ loop.length }} {{ r.filename|default('Unknown')|truncate(40) }} ==
  size    {{ r.size|filesizeformat }}
  sha1    {{ r.sha1 }}
  sha256  {{ r.sha256 }}
  {% if r.scan is mapping and r.scan.matches is defined %}
  {% set hits = r.scan.matches %}
  {% else %}
  {% set hits = r.scan if r.scan is sequence and r.scan is not string else [] %}
  {% endif %}
  {% for m in hits|sort(attribute='rule') %}
  - {{ m.rule }}{% if m.tags %} [{{ m.tags|join(', ') }}]{% endif %}

    {% for k, v in m.meta|dictsort %}
      {{ k }}: {{ v }}
    {% endfor %}
  {% else %}
  (no rule matched)
  {% endfor %}
{% endfor %}
{% set total = results.results|sum(attribute='size') %}
total {{ total|filesizeformat(true) }} in {{ results.results|length }} entries; rules: {{ results.results|map(attribute='scan')|select('sequence')|map('length')|sum }}
