"""Italian date formats, where Django's differ from how Italian writes a date.

Django's Italian writes "07 dicembre 2026" and puts the weekday before a date and time; Italian
writes "7 dicembre 2026" (months and days in lower case come from our catalogue, see
insieme/core/catalogue.py). Everything not named here is Django's.
"""

DATE_FORMAT = "j F Y"  # 7 dicembre 2026
DATETIME_FORMAT = "j F Y, H:i"  # 7 dicembre 2026, 14:30
