{% set r = 'outer value' %}
{% for r in results.results %}{{ r.payload_id }} {% endfor %}

after loop: {{ r }}
