{% set x = 1 %}
{% macro show() %}{{ x }}{% endmacro %}
a={{ show() }}
{% set x = 2 %}
b={{ show() }}
{% for i in [1] %}{% set x = 3 %}c={{ show() }}/{{ x }}{% endfor %}

{% with %}{% set x = 4 %}d={{ x }}{% endwith %} e={{ x }}
{% set results = 'shadowed' %}f={{ results }}
