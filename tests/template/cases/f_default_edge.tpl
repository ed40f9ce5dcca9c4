{{ false|default('d') }} {{ false|default('d', true) }} {{ 0.0|d('z', true) }} {{ nothing|default(none) }} {{ nothing|default(nothing)|default('deep') }} {{ {}|default('e', true) }}
