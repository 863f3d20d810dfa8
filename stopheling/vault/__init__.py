"""The vault: residents record their belongings (identifiers, photos, receipts) while they
still have them, and after a theft produce a complete list for the police in one click.

Nobody but the owner ever sees a vault: no check, dealer or police page reads it.
"""
