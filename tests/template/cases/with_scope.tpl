{% set x = 'outer' %}
{% with x = 'inner', y = x %}
{{ x }} {{ y }}
{% with x = x ~ '2' %}
{{ x }}
{% endwith %}
{{ x }}
{% set z = 'set in with' %}
{{ z }}
{% endwith %}
{{ x }} [{{ z }}]
