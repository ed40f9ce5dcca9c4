{% set a = 1 %}

{% set b = 2 %}


{{ a + b }}
