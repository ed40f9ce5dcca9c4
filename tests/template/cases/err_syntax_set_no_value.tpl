{% set x = %}
