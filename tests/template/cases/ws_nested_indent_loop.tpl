results:
  {% for r in results.results %}
  - plugin: {{ r.plugin }}
    uuids:
    {% for u in r.uuid %}
      - {{ u }}
    {% endfor %}
  {% endfor %}
