"""Личный кабинет Работодателя: registration, profile, group applications, «Реестр соискателей»."""
