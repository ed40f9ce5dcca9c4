{% macro m(x) %}
{{ x }}
